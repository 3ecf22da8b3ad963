/**
 * Choosing the engine: ONNX Runtime by default, TF.js when ONNX Runtime cannot load or cannot
 * take the model. `DENSITY_ENGINE=onnx|tfjs` (or the `engine` option) forces one; a forced
 * engine that cannot start is an error. The choice is reported in one line.
 */
import type * as tf from '@tensorflow/tfjs';
import { UsageError } from '../errors';
import { createOnnxEngine } from './createOnnxEngine';
import { createTfjsEngine } from './createTfjsEngine';
import { ENGINE_KINDS, type DensityEngine, type EngineKind } from './densityEngine';

/** Options of {@link createDensityEngine}. */
export interface DensityEngineOptions {
  /** Force an engine (overrides `DENSITY_ENGINE`); `auto` (default) prefers ONNX Runtime. */
  engine?: EngineKind | 'auto';
  /** Where to report the choice; default one line on stderr. `null` for silence. */
  report?: ((line: string) => void) | null;
}

/**
 * The engine asked for by `DENSITY_ENGINE` (or `auto` when unset or empty).
 * @throws UsageError for any other value.
 */
export function requestedEngine(value = process.env.DENSITY_ENGINE): EngineKind | 'auto' {
  const v = value?.trim().toLowerCase() ?? '';
  if (v === '' || v === 'auto') return 'auto';
  if ((ENGINE_KINDS as readonly string[]).includes(v)) return v as EngineKind;
  throw new UsageError(
    `DENSITY_ENGINE: expected one of ${ENGINE_KINDS.join(', ')} or auto, got "${value}"`,
  );
}

/**
 * Create the engine of a model.
 * @param model Density model (not owned: dispose it after the engine). The TF.js engine needs
 *   `initBackend()` to have run.
 * @param options Forced engine, report sink.
 * @returns The engine; the caller calls `dispose()`.
 * @throws UsageError when a forced engine cannot start (the message says why).
 */
export async function createDensityEngine(
  model: tf.LayersModel,
  options: DensityEngineOptions = {},
): Promise<DensityEngine> {
  const requested = options.engine ?? requestedEngine();
  const report =
    options.report === undefined ? (l: string) => process.stderr.write(`${l}\n`) : options.report;
  const forced = requested !== 'auto' ? ', forced' : '';
  let fallbackReason = '';
  if (requested !== 'tfjs') {
    try {
      const engine = await createOnnxEngine(model);
      report?.(`breast-density: engine ${engine.description}${forced}`);
      return engine;
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
      if (requested === 'onnx')
        throw new UsageError(
          `engine "onnx" was forced (DENSITY_ENGINE) but cannot start: ${reason}`,
        );
      fallbackReason = `; ONNX Runtime unavailable: ${reason}`;
    }
  }
  const engine = createTfjsEngine(model);
  report?.(`breast-density: engine ${engine.description}${forced}${fallbackReason}`);
  return engine;
}
