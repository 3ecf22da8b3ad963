/**
 * Read a Keras HDF5 file: a whole model written by `model.save()` (root attribute `model_config`,
 * group `model_weights`) or weights only written by `model.save_weights()` (the same layout at
 * the root). Layout of Keras 2.x (`keras/engine/saving.py`, `save_weights_to_hdf5_group`):
 *
 * - weights group attributes `layer_names` (fixed-length byte strings, in `model.layers` order;
 *   split into `layer_names0`, `layer_names1`, … when longer than 64 KiB), `backend`,
 *   `keras_version`;
 * - one subgroup per layer with attribute `weight_names` (e.g. `conv2d_1/kernel:0`) and one
 *   dataset per weight at that relative path (`model_weights/conv2d_1/conv2d_1/kernel:0`).
 *
 * The optimizer state (`optimizer_weights`) and `training_config` are ignored.
 */
import { InputError } from '../errors';
import {
  hdf5ErrorMessage,
  isHdf5Group,
  openHdf5,
  type Hdf5Dataset,
  type Hdf5Group,
} from './openHdf5';

/** One weight array of a Keras layer. */
export interface KerasWeight {
  /** Keras name as in `weight_names`, e.g. `conv2d_1/kernel:0`. */
  name: string;
  /** Dimensions, e.g. `[3, 3, 3, 64]` for a Conv2D kernel (height, width, in, out). */
  shape: number[];
  /** Stored type: `float32` (values bit for bit), or `float64` / `float16` (rounded to float32). */
  storedDtype: 'float32' | 'float64' | 'float16';
  /** Values, row-major (C order, as numpy and TF.js), float32. */
  values: Float32Array;
}

/** The weights of one layer, in Keras order (Conv2D/Dense: kernel, bias; BN: gamma, beta, moving_mean, moving_variance). */
export interface KerasLayerWeights {
  /** Layer name, e.g. `conv2d_1`. */
  name: string;
  /** Its weights (empty for layers without weights). */
  weights: KerasWeight[];
}

/** Contents of a Keras HDF5 file. */
export interface KerasHdf5Contents {
  /** The file path as given. */
  file: string;
  /** `model` for `model.save()` files, `weights` for `model.save_weights()` files. */
  kind: 'model' | 'weights';
  /** `keras_version` attribute (e.g. `2.2.4`), or null. */
  kerasVersion: string | null;
  /** `backend` attribute (e.g. `tensorflow`), or null. */
  backend: string | null;
  /** Parsed `model_config` JSON (whole-model files), or null. */
  modelConfig: unknown | null;
  /** Layers in `layer_names` order. */
  layers: KerasLayerWeights[];
}

/** Decode an HDF5 string attribute value: strips NUL padding; decodes byte arrays as UTF-8. */
export function decodeHdf5String(value: unknown): string | null {
  if (typeof value === 'string') return value.replace(/\0+$/, '');
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8').replace(/\0+$/, '');
  if (Array.isArray(value) && value.length === 1) return decodeHdf5String(value[0]);
  return null;
}

/**
 * A list-of-strings attribute as Keras writes it (`save_attributes_to_hdf5_group`): `name`, or the
 * chunks `name0`, `name1`, … concatenated. An empty list is stored as an empty float array.
 * @returns The strings, or null when the attribute is absent.
 */
export function readStringListAttribute(
  attrs: Record<string, unknown>,
  name: string,
  where: string,
): string[] | null {
  let raw: unknown[];
  if (name in attrs) {
    const v = attrs[name];
    raw = Array.isArray(v) ? v : ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : [v];
  } else if (`${name}0` in attrs) {
    raw = [];
    for (let i = 0; `${name}${i}` in attrs; i++) {
      const v = attrs[`${name}${i}`];
      raw.push(...(Array.isArray(v) ? v : [v]));
    }
  } else {
    return null;
  }
  return raw.map((v, i) => {
    const s = decodeHdf5String(v);
    if (s === null) {
      throw new InputError(
        `${where}: attribute ${name}[${i}] is ${JSON.stringify(v)}, expected a string`,
      );
    }
    return s;
  });
}

const DTYPES: Record<string, KerasWeight['storedDtype']> = {
  '<f4': 'float32',
  '>f4': 'float32',
  '<f8': 'float64',
  '>f8': 'float64',
  '<f2': 'float16',
  '>f2': 'float16',
};

function readWeight(file: string, layerGroup: Hdf5Group, weightName: string): KerasWeight {
  const where = `${file}: ${layerGroup.name}/${weightName}`;
  let node: Hdf5Group | Hdf5Dataset | null;
  try {
    node = layerGroup.get(weightName);
  } catch (err) {
    throw new InputError(
      `${where}: dataset named in weight_names is missing (${hdf5ErrorMessage(err)})`,
    );
  }
  if (!node || isHdf5Group(node)) {
    throw new InputError(`${where}: expected a dataset, found a group`);
  }
  const dtype = DTYPES[String(node.dtype)];
  if (!dtype) {
    throw new InputError(
      `${where}: type ${JSON.stringify(node.dtype)}, expected floating point (<f4)`,
    );
  }
  const shape = [...node.shape];
  const count = shape.reduce((a, b) => a * b, 1);
  let raw: unknown;
  try {
    raw = node.value;
  } catch (err) {
    throw new InputError(
      `${where}: cannot read the data, file truncated or damaged (${hdf5ErrorMessage(err)})`,
    );
  }
  const list = raw as ArrayLike<number>;
  if (!list || typeof list.length !== 'number' || list.length !== count) {
    throw new InputError(
      `${where}: has ${list && typeof list.length === 'number' ? list.length : 'no'} values, shape ${JSON.stringify(shape)} needs ${count}`,
    );
  }
  // float32 → JS number → float32 is exact, so float32 weights arrive bit for bit.
  const values = Float32Array.from(list);
  return { name: weightName, shape, storedDtype: dtype, values };
}

function readWeightsGroup(file: string, group: Hdf5Group): KerasLayerWeights[] {
  const where = group.name === '/' ? file : `${file}: ${group.name}`;
  const layerNames = readStringListAttribute(group.attrs, 'layer_names', where);
  if (!layerNames) {
    throw new InputError(
      `${where}: no layer_names attribute (not a Keras weights file; expected a file written by Keras model.save() or model.save_weights())`,
    );
  }
  return layerNames.map((layerName) => {
    let node: Hdf5Group | Hdf5Dataset | null;
    try {
      node = group.get(layerName);
    } catch (err) {
      throw new InputError(
        `${where}: layer group ${layerName} named in layer_names is missing (${hdf5ErrorMessage(err)})`,
      );
    }
    if (!node || !isHdf5Group(node)) {
      throw new InputError(`${where}: ${layerName} is a dataset, expected a layer group`);
    }
    const weightNames =
      readStringListAttribute(node.attrs, 'weight_names', `${file}: ${node.name}`) ?? [];
    const layerGroup = node;
    return { name: layerName, weights: weightNames.map((w) => readWeight(file, layerGroup, w)) };
  });
}

/**
 * Read every layer's weights (and the model configuration, when present) from a Keras HDF5 file.
 * @param file Path of a `.h5` file written by Keras `model.save()` or `model.save_weights()`
 *   (Keras 2.x layout; Keras 3 `.weights.h5` / `.keras` files are not supported).
 * @returns The file's layers and weights as float32 arrays (whole file in memory, ~9 MB for the
 *   breast-density ResNet).
 * @throws InputError naming the file and what is wrong (not HDF5, truncated, no `layer_names`,
 *   bad `model_config` JSON, non-float weights).
 */
export function readKerasHdf5(file: string): KerasHdf5Contents {
  const root = openHdf5(file);
  try {
    const attrs = root.attrs;
    const configText = decodeHdf5String(attrs.model_config);
    let modelConfig: unknown = null;
    if (configText !== null) {
      try {
        modelConfig = JSON.parse(configText);
      } catch (err) {
        throw new InputError(
          `${file}: model_config attribute is not valid JSON (${(err as Error).message})`,
        );
      }
    }
    let weightsGroup = root;
    let kind: KerasHdf5Contents['kind'] = 'weights';
    if (root.keys.includes('model_weights')) {
      const g = root.get('model_weights');
      if (!isHdf5Group(g)) throw new InputError(`${file}: model_weights is not a group`);
      weightsGroup = g;
      kind = 'model';
    } else if (modelConfig !== null) {
      throw new InputError(
        `${file}: has model_config but no model_weights group (model saved without weights?)`,
      );
    }
    const wa = weightsGroup.attrs;
    return {
      file,
      kind,
      kerasVersion: decodeHdf5String(wa.keras_version ?? attrs.keras_version),
      backend: decodeHdf5String(wa.backend ?? attrs.backend),
      modelConfig,
      layers: readWeightsGroup(file, weightsGroup),
    };
  } catch (err) {
    if (err instanceof InputError) throw err;
    // jsfive reads lazily: a truncated file often fails only here, with a string or RangeError.
    throw new InputError(
      `${file}: unreadable HDF5 file, truncated or damaged (${hdf5ErrorMessage(err)})`,
      { cause: err },
    );
  }
}
