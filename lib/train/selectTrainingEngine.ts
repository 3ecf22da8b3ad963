/**
 * Which engine trains: ONNX Runtime by default, TF.js when `DENSITY_ENGINE=tfjs` (or the
 * `engine` option) says so, or when onnxruntime-node cannot load (reported once, with the
 * reason). A forced engine that cannot start is an error.
 */
import { requestedEngine } from '../engine/createDensityEngine';
import { UsageError, errorMessage } from '../errors';
import type { TrainingEngineName } from './trainingEngine';

/** The choice and, for a fallback, why. */
export interface TrainingEngineChoice {
  name: TrainingEngineName;
  /** Whether it was forced (option or `DENSITY_ENGINE`); a forced engine must start. */
  forced: boolean;
}

/**
 * Resolve the engine name.
 * @param requested Explicit choice (the trainer's `engine` option), else `DENSITY_ENGINE`.
 * @param env Environment (default `process.env`).
 * @param log Where the one-line fallback notice goes.
 * @throws UsageError for an unknown name, or `onnx` forced when onnxruntime-node cannot load.
 */
export async function selectTrainingEngine(
  requested: string | undefined,
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TrainingEngineChoice> {
  const raw = requestedEngine(requested ?? env.DENSITY_ENGINE);
  if (raw === 'tfjs') return { name: 'tfjs', forced: true };
  try {
    await import('onnxruntime-node');
    return { name: 'onnx', forced: raw === 'onnx' };
  } catch (err) {
    if (raw === 'onnx') {
      throw new UsageError(
        `DENSITY_ENGINE=onnx: onnxruntime-node cannot load (${errorMessage(err)})`,
      );
    }
    log(`training engine: onnxruntime-node cannot load (${errorMessage(err)}); training on TF.js`);
    return { name: 'tfjs', forced: false };
  }
}
