/**
 * The parts of a Keras `model_config` (the JSON of `model.get_config()` stored by `model.save()`)
 * that the importer needs: the input size and the list of layers with their classes.
 */
import { InputError } from '../errors';

/** One layer of a Keras model configuration. */
export interface KerasConfigLayer {
  /** Layer name, e.g. `conv2d_1`. */
  name: string;
  /** Keras class, e.g. `Conv2D`, `BatchNormalization`, `LeakyReLU`. */
  className: string;
  /** The layer's own `config` object. */
  config: Record<string, unknown>;
  /** Names of the layers feeding its first node (`inbound_nodes[0]`), `[]` for inputs. */
  inbound: string[];
}

/** Summary of a Keras model configuration. */
export interface KerasModelConfigSummary {
  /** Keras model class (`Model` for functional models, `Sequential`). */
  className: string;
  /** `[height, width]` from the input layer's `batch_input_shape`, or null when not fixed. */
  inputSize: [number, number] | null;
  /** Input channels from `batch_input_shape`, or null. */
  inputChannels: number | null;
  /** Layers in configuration order. */
  layers: KerasConfigLayer[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Summarise a parsed Keras `model_config` (Keras 2.x functional `Model` or `Sequential`).
 * @param modelConfig The parsed JSON (`{class_name, config: {layers, …}}`).
 * @param file File name for error messages.
 * @throws InputError when it has no layer list.
 */
export function parseKerasModelConfig(modelConfig: unknown, file: string): KerasModelConfigSummary {
  if (!isRecord(modelConfig) || typeof modelConfig.class_name !== 'string') {
    throw new InputError(
      `${file}: model_config has no class_name (not a Keras model configuration)`,
    );
  }
  const cfg = modelConfig.config;
  // Keras 2.2 Sequential stores the layer list directly; functional models under config.layers.
  const rawLayers = Array.isArray(cfg) ? cfg : isRecord(cfg) ? cfg.layers : undefined;
  if (!Array.isArray(rawLayers)) {
    throw new InputError(`${file}: model_config has no layer list (config.layers)`);
  }
  const layers: KerasConfigLayer[] = rawLayers.map((l, i) => {
    const lc = isRecord(l) && isRecord(l.config) ? l.config : {};
    const name = isRecord(l) ? (l.name ?? lc.name) : undefined;
    if (!isRecord(l) || typeof l.class_name !== 'string' || typeof name !== 'string') {
      throw new InputError(`${file}: model_config layer ${i} has no name or class_name`);
    }
    // Keras 2.x: inbound_nodes = [[[name, node_index, tensor_index, kwargs], …], …].
    const nodes = l.inbound_nodes;
    const first: unknown[] = Array.isArray(nodes) && Array.isArray(nodes[0]) ? nodes[0] : [];
    const inbound = first.map((n) =>
      Array.isArray(n) && typeof n[0] === 'string' ? n[0] : JSON.stringify(n),
    );
    return { name, className: l.class_name, config: lc, inbound };
  });
  let inputSize: [number, number] | null = null;
  let inputChannels: number | null = null;
  const withShape = layers.find((l) => Array.isArray(l.config.batch_input_shape));
  if (withShape) {
    const s = withShape.config.batch_input_shape as unknown[];
    const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
    if (s.length === 4 && ok(s[1]) && ok(s[2])) inputSize = [s[1], s[2]];
    if (s.length === 4 && ok(s[3])) inputChannels = s[3];
  }
  return { className: modelConfig.class_name, inputSize, inputChannels, layers };
}
