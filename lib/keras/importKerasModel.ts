/**
 * Build this project's breast-density ResNet with the weights of a Keras HDF5 file.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { createDensityModel, resolveInputSize } from '../model/createDensityModel';
import { ORIGINAL_INPUT_SIZE } from '../model/constants';
import { parseKerasModelConfig } from './kerasModelConfig';
import { checkKerasArchitecture, mapKerasWeights } from './mapKerasWeights';
import { readKerasHdf5, type KerasHdf5Contents } from './readKerasHdf5';
import { renumberKerasLayers } from './renumberKerasLayers';

/** Layer names of the network (they do not depend on the input size). */
function createDensityModelLayerNames(): string[] {
  const model = createDensityModel({ inputSize: 32 });
  try {
    return model.layers.map((l) => l.name);
  } finally {
    model.dispose();
  }
}

/** `conv2d_42…conv2d_82 → conv2d_1…conv2d_41, …` */
function describeRenames(renames: Map<string, string>): string {
  const byPrefix = new Map<string, [string, string][]>();
  for (const [from, to] of renames) {
    const prefix = to.replace(/_\d+$/, '');
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), [from, to]]);
  }
  return [...byPrefix.values()]
    .map((pairs) => {
      const [f0, t0] = pairs[0];
      const [f1, t1] = pairs[pairs.length - 1];
      return pairs.length === 1 ? `${f0} → ${t0}` : `${f0}…${f1} → ${t0}…${t1}`;
    })
    .join(', ');
}

/** Options of {@link importKerasModel}. */
export interface ImportKerasOptions {
  /**
   * Network input `[height, width]` (or one number for square). Default: the file's
   * `model_config` input size; for weights-only files (or a model_config without a fixed size)
   * 650, the original's. The weights do not depend on it (global average pooling), so an explicit
   * size different from the file's is allowed (reported in `notes`).
   */
  inputSize?: number | [number, number];
  /** Output activation of the built network: `softmax` (as the file) or `linear` (logits). Default softmax. */
  headActivation?: 'softmax' | 'linear';
}

/** A Keras file imported into this project's network. */
export interface ImportedKerasModel {
  /** The network with the file's weights; the caller disposes it (`model.dispose()`). */
  model: tf.LayersModel;
  /** `[height, width]` of the network input. */
  inputSize: [number, number];
  /** Where `inputSize` came from. */
  inputSizeFrom: 'model_config' | 'option' | 'default';
  /** Input size recorded in the file's model_config, or null. */
  fileInputSize: [number, number] | null;
  /** What was read from the file (the layers' weights included). */
  contents: KerasHdf5Contents;
  /** Number of weight arrays copied (248 for this network: 41 Conv2D × 2, 41 BatchNormalization × 4, Dense × 2). */
  weightCount: number;
  /** Number of scalars copied (2,262,660 for this network). */
  parameterCount: number;
  /** Remarks for the user (input size overridden, weights stored as float64, …). */
  notes: string[];
}

/**
 * Read a Keras HDF5 file (`model.save()` or `model.save_weights()`, Keras 2.x layout), check that
 * it is the breast-density ResNet (every layer name, weight shape, and, with a `model_config`,
 * every layer class, connection, stride, padding and kernel size), and build the network with
 * its weights. Every one of the 248 weight arrays (41 Conv2D kernel+bias, 41 BatchNormalization
 * gamma/beta/moving_mean/moving_variance, Dense kernel+bias) is copied bit for bit (float32).
 * @param file Path of the `.h5` file.
 * @param options Input size and head activation.
 * @returns The model (caller disposes) and what was imported.
 * @throws InputError naming the file and listing the first differences (and their count) when
 *   the file is not this architecture, or when it is unreadable.
 */
export function importKerasModel(
  file: string,
  options: ImportKerasOptions = {},
): ImportedKerasModel {
  const read = readKerasHdf5(file);
  const notes: string[] = [];
  const parsed = read.modelConfig ? parseKerasModelConfig(read.modelConfig, file) : null;
  // Layers numbered from a later point of a Keras session (conv2d_42…) are renumbered.
  const renames = renumberKerasLayers(
    read.layers.map((l) => l.name),
    createDensityModelLayerNames(),
  );
  const rename = (n: string): string => renames.get(n) ?? n;
  const contents: KerasHdf5Contents =
    renames.size === 0
      ? read
      : { ...read, layers: read.layers.map((l) => ({ ...l, name: rename(l.name) })) };
  const config = parsed && {
    ...parsed,
    layers: parsed.layers.map((l) => ({
      ...l,
      name: rename(l.name),
      inbound: l.inbound.map(rename),
    })),
  };
  if (renames.size > 0) notes.push(`layer names renumbered: ${describeRenames(renames)}`);
  const head = config?.layers.find((l) => l.className === 'Dense')?.config.activation;
  if (head === 'linear') {
    notes.push(
      "the file's Dense head is linear (saved for Grad-CAM); imported with the original softmax head",
    );
  }
  const fileInputSize = config?.inputSize ?? null;
  const { inputSize, inputSizeFrom } = chooseInputSize(
    file,
    options,
    fileInputSize,
    contents,
    notes,
  );
  const doubles = contents.layers
    .flatMap((l) => l.weights)
    .filter((w) => w.storedDtype !== 'float32');
  if (doubles.length > 0) {
    notes.push(
      `${doubles.length} weight arrays are stored as ${doubles[0].storedDtype} and were rounded to float32`,
    );
  }

  const headActivation = options.headActivation ?? 'softmax';
  // The checks run against the softmax network (the original head); a linear head is a copy.
  const model = createDensityModel({ inputSize, headActivation: 'softmax' });
  try {
    if (config) checkKerasArchitecture(config, model, file);
    const mapped = mapKerasWeights(contents, model);
    for (const { layer, weights } of mapped) {
      const tensors = weights.map((w) => tf.tensor(w.values, w.shape, 'float32'));
      try {
        model.getLayer(layer).setWeights(tensors);
      } finally {
        tf.dispose(tensors);
      }
    }
    const weights = mapped.flatMap((m) => m.weights);
    let result = model;
    if (headActivation !== 'softmax') {
      result = createDensityModel({ inputSize, headActivation });
      const values = model.getWeights();
      result.setWeights(values);
      model.dispose();
    }
    return {
      model: result,
      inputSize,
      inputSizeFrom,
      fileInputSize,
      contents,
      weightCount: weights.length,
      parameterCount: weights.reduce((s, w) => s + w.values.length, 0),
      notes,
    };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/** The input size: the option, else the file's model_config, else the original 650×650 (with notes). */
function chooseInputSize(
  file: string,
  options: ImportKerasOptions,
  fileInputSize: [number, number] | null,
  contents: KerasHdf5Contents,
  notes: string[],
): Pick<ImportedKerasModel, 'inputSize' | 'inputSizeFrom'> {
  let inputSize: [number, number];
  let inputSizeFrom: ImportedKerasModel['inputSizeFrom'];
  if (options.inputSize !== undefined) {
    inputSize = resolveInputSize(options.inputSize);
    inputSizeFrom = 'option';
    if (fileInputSize && (fileInputSize[0] !== inputSize[0] || fileInputSize[1] !== inputSize[1])) {
      notes.push(
        `input size ${inputSize[0]}x${inputSize[1]} requested; the file's model was built for ${fileInputSize[0]}x${fileInputSize[1]}`,
      );
    }
  } else if (fileInputSize) {
    if (fileInputSize[0] < 32 || fileInputSize[1] < 32) {
      throw new InputError(
        `${file}: model_config input size ${fileInputSize.join('x')} is below the minimum 32x32`,
      );
    }
    inputSize = fileInputSize;
    inputSizeFrom = 'model_config';
  } else {
    inputSize = [ORIGINAL_INPUT_SIZE, ORIGINAL_INPUT_SIZE];
    inputSizeFrom = 'default';
    notes.push(
      `the file records no input size (${contents.kind === 'weights' ? 'weights-only file' : 'no fixed input shape'}); using ${ORIGINAL_INPUT_SIZE}x${ORIGINAL_INPUT_SIZE}`,
    );
  }
  return { inputSize, inputSizeFrom };
}
