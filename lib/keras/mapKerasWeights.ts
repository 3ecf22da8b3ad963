/**
 * Match the layers and weights of a Keras file to this project's network by layer name, and the
 * Keras `model_config` (when present) to its architecture, collecting every difference.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import type { KerasModelConfigSummary } from './kerasModelConfig';
import type { KerasHdf5Contents, KerasWeight } from './readKerasHdf5';

/** How many differences an error message lists before "and N more". */
export const MAX_LISTED_PROBLEMS = 5;

/** The short name of a Keras weight: `conv2d_1/kernel:0` → `kernel`. */
export function kerasWeightShortName(name: string): string {
  const last = name.split('/').pop() ?? name;
  return last.replace(/:\d+$/, '');
}

const shapeText = (s: readonly (number | null)[]): string => `[${s.join(',')}]`;

/** The Keras weights for one layer of the network, in that layer's `layer.weights` order. */
export interface MappedLayerWeights {
  /** Layer name (the same in the file and the network). */
  layer: string;
  /** One Keras weight per `layer.weights` entry, shape checked. */
  weights: KerasWeight[];
}

/**
 * Pair each weight of each layer of `model` with the Keras weight of the same layer
 * name and the same short name (`kernel`, `bias`, `gamma`, `beta`, `moving_mean`,
 * `moving_variance`); when a file's weights have no usable names (`param_0`, …) they are paired
 * by position, which is Keras's order (Conv2D/Dense: kernel, bias; BatchNormalization: gamma,
 * beta, moving_mean, moving_variance) and TF.js's.
 * @param contents The file, from `readKerasHdf5`.
 * @param model The target network (e.g. `createDensityModel`), not modified.
 * @returns One entry per layer of `model` that has weights, in `model.layers` order.
 * @throws InputError listing the first {@link MAX_LISTED_PROBLEMS} differences (layers missing
 *   from the file, layers the architecture does not have, weight counts, shapes) and the total.
 */
export function mapKerasWeights(
  contents: KerasHdf5Contents,
  model: tf.LayersModel,
): MappedLayerWeights[] {
  const problems: string[] = [];
  const fileLayers = new Map(contents.layers.map((l) => [l.name, l]));
  const modelLayers = new Set(model.layers.map((l) => l.name));
  const mapped: MappedLayerWeights[] = [];
  for (const layer of model.layers) {
    if (layer.weights.length === 0) continue;
    const fl = fileLayers.get(layer.name);
    if (!fl || fl.weights.length === 0) {
      problems.push(`layer ${layer.name} (${layer.getClassName()}) is missing from the file`);
      continue;
    }
    if (fl.weights.length !== layer.weights.length) {
      problems.push(
        `layer ${layer.name} has ${fl.weights.length} weights in the file, ${layer.weights.length} expected (${layer.weights.map((w) => kerasWeightShortName(w.originalName)).join(', ')})`,
      );
      continue;
    }
    const byName = new Map(fl.weights.map((w) => [kerasWeightShortName(w.name), w]));
    const useNames = layer.weights.every((w) => byName.has(kerasWeightShortName(w.originalName)));
    const entry: MappedLayerWeights = { layer: layer.name, weights: [] };
    mapped.push(entry);
    layer.weights.forEach((w, i) => {
      const short = kerasWeightShortName(w.originalName);
      const kw = useNames ? byName.get(short)! : fl.weights[i];
      const same = kw.shape.length === w.shape.length && kw.shape.every((d, j) => d === w.shape[j]);
      if (!same) {
        problems.push(
          `${layer.name}/${short} has shape ${shapeText(kw.shape)} in the file, ${shapeText(w.shape)} expected`,
        );
      }
      entry.weights.push(kw);
    });
  }
  for (const fl of contents.layers) {
    if (fl.weights.length > 0 && !modelLayers.has(fl.name)) {
      problems.push(`layer ${fl.name} of the file is not in this architecture`);
    }
  }
  throwIfProblems(contents.file, 'weights', problems);
  return mapped;
}

function throwIfProblems(file: string, what: string, problems: string[]): void {
  if (problems.length === 0) return;
  const listed = problems.slice(0, MAX_LISTED_PROBLEMS).join('; ');
  const more =
    problems.length > MAX_LISTED_PROBLEMS
      ? `; and ${problems.length - MAX_LISTED_PROBLEMS} more`
      : '';
  throw new InputError(
    `${file}: ${what} do not match the breast-density ResNet (${problems.length} difference${problems.length === 1 ? '' : 's'}): ${listed}${more}`,
  );
}

function pair(v: unknown): [number, number] | null {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) {
    return [v[0], v[1]];
  }
  return null;
}

/** The hyper-parameters the weights do not pin down, per layer class: [name, Keras key, TF.js key]. */
const CHECKED_CONFIG: Record<string, [string, string, string][]> = {
  Conv2D: [
    ['strides', 'strides', 'strides'],
    ['padding', 'padding', 'padding'],
    ['kernel_size', 'kernel_size', 'kernelSize'],
    ['dilation_rate', 'dilation_rate', 'dilationRate'],
  ],
  MaxPooling2D: [
    ['pool_size', 'pool_size', 'poolSize'],
    ['strides', 'strides', 'strides'],
    ['padding', 'padding', 'padding'],
  ],
  LeakyReLU: [['alpha', 'alpha', 'alpha']],
  BatchNormalization: [['epsilon', 'epsilon', 'epsilon']],
};

/** Output activations of the Dense head that the import accepts (the weights are the same). */
const DENSE_HEADS = ['softmax', 'linear'];

function sameValue(a: unknown, b: unknown): boolean {
  const pa = pair(a);
  const pb = pair(b);
  if (pa && pb && (Array.isArray(a) || Array.isArray(b))) return pa[0] === pb[0] && pa[1] === pb[1];
  if (typeof a === 'number' && typeof b === 'number') {
    return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)); // Keras stores alpha as float32
  }
  return a === b;
}

/**
 * Compare a Keras model configuration with the network: same layer names and classes, same
 * connections (inbound layers), and the same strides / padding / kernel sizes / pool sizes /
 * LeakyReLU slope / BN epsilon (what the weights' shapes do not reveal).
 * @param config From `parseKerasModelConfig`.
 * @param model The network to compare with.
 * @param file File name for the error.
 * @throws InputError listing the first {@link MAX_LISTED_PROBLEMS} differences and the total.
 */
export function checkKerasArchitecture(
  config: KerasModelConfigSummary,
  model: tf.LayersModel,
  file: string,
): void {
  const problems: string[] = [];
  // The input layer's name carries no weights: a file whose input is called `image` is fine.
  const fileInput = config.layers.find((l) => l.className === 'InputLayer')?.name;
  const modelInput = model.layers.find((l) => l.getClassName() === 'InputLayer')?.name;
  const rename = (n: string): string => (n === fileInput && modelInput ? modelInput : n);
  const fileLayers = new Map(config.layers.map((l) => [rename(l.name), l]));
  const modelNames = new Set(model.layers.map((l) => l.name));
  for (const layer of model.layers) {
    const kl = fileLayers.get(layer.name);
    const cls = layer.getClassName();
    if (!kl) {
      problems.push(`layer ${layer.name} (${cls}) is not in the file's model_config`);
      continue;
    }
    if (kl.className !== cls) {
      problems.push(`layer ${layer.name} is ${kl.className} in the file, ${cls} expected`);
      continue;
    }
    const tfConfig = layer.getConfig() as Record<string, unknown>;
    for (const [label, kerasKey, tfKey] of CHECKED_CONFIG[cls] ?? []) {
      if (!(kerasKey in kl.config)) continue; // older Keras versions omit some keys: defaults
      if (!sameValue(kl.config[kerasKey], tfConfig[tfKey])) {
        problems.push(
          `layer ${layer.name} has ${label} ${JSON.stringify(kl.config[kerasKey])} in the file, ${JSON.stringify(tfConfig[tfKey])} expected`,
        );
      }
    }
    // The head: softmax as the original, or linear (a model saved for Grad-CAM): same weights.
    const activation = kl.config.activation;
    if (cls === 'Dense' && activation !== undefined && !DENSE_HEADS.includes(String(activation))) {
      problems.push(
        `layer ${layer.name} has activation ${JSON.stringify(activation)} in the file, "softmax" or "linear" expected`,
      );
    }
    if (layer.inboundNodes.length > 0) {
      const fileInbound = kl.inbound.map(rename);
      const modelInbound = layer.inboundNodes[0].inboundLayers.map((l) => l.name);
      if (fileInbound.length > 0 && fileInbound.join(',') !== modelInbound.join(',')) {
        problems.push(
          `layer ${layer.name} takes [${fileInbound.join(', ')}] in the file, [${modelInbound.join(', ')}] expected`,
        );
      }
    }
  }
  for (const l of config.layers) {
    if (!modelNames.has(rename(l.name))) {
      problems.push(`layer ${l.name} (${l.className}) of the file is not in this architecture`);
    }
  }
  throwIfProblems(file, 'model_config layers', problems);
}
