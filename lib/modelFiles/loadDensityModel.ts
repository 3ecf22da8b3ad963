/**
 * Load a model directory written by {@link saveDensityModel} (or any TF.js Layers model with the
 * project metadata), checking every file, and read its metadata.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { InputError, errorMessage } from '../errors';
import { parseModelMetadata, type ModelMetadata } from './modelMetadata';
import { MODEL_JSON } from './saveDensityModel';

/** A loaded model with its metadata. */
export interface LoadedDensityModel {
  /** The network; the caller disposes it (`model.dispose()`). */
  model: tf.LayersModel;
  /** The metadata from `model.json`. */
  metadata: ModelMetadata;
  /** Absolute path of the model directory. */
  dir: string;
}

interface ParsedModelJson {
  json: Record<string, unknown>;
  metadata: ModelMetadata;
  weightSpecs: tf.io.WeightsManifestEntry[];
  paths: string[];
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * Read and check `model.json` of a model directory without loading the weights.
 * @param dir Model directory (or the path of its `model.json`).
 * @returns The metadata.
 * @throws InputError naming the file and the problem.
 */
export function readModelMetadata(dir: string): ModelMetadata {
  return readModelJson(dir).metadata;
}

function resolveDir(dirOrFile: string): string {
  return path.basename(dirOrFile) === MODEL_JSON ? path.dirname(dirOrFile) : dirOrFile;
}

function readModelJson(dirOrFile: string): ParsedModelJson {
  const dir = resolveDir(dirOrFile);
  const file = path.join(dir, MODEL_JSON);
  if (!fs.existsSync(dir)) throw new InputError(`${dir}: model directory does not exist`);
  if (!fs.existsSync(file)) throw new InputError(`${file}: missing (not a model directory)`);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(`${file}: not valid JSON (${errorMessage(err)})`);
  }
  if (typeof json !== 'object' || json === null || typeof json.modelTopology !== 'object') {
    throw new InputError(`${file}: no modelTopology (not a TF.js Layers model)`);
  }
  const manifest = json.weightsManifest;
  if (!Array.isArray(manifest) || manifest.length === 0) {
    throw new InputError(`${file}: no weightsManifest`);
  }
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const paths: string[] = [];
  for (const group of manifest as { paths?: unknown; weights?: unknown }[]) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new InputError(`${file}: weightsManifest entries need "paths" and "weights" lists`);
    }
    paths.push(...(group.paths as string[]));
    weightSpecs.push(...(group.weights as tf.io.WeightsManifestEntry[]));
  }
  const udm = json.userDefinedMetadata as Record<string, unknown> | undefined;
  const metadata = parseModelMetadata(udm?.breastDensity, file);
  return { json, metadata, weightSpecs, paths };
}

/**
 * Load a model directory: `model.json`, its weight shards (all present, sizes exactly as the
 * manifest says), the topology, and the project metadata.
 * @param dir Model directory (or the path of its `model.json`).
 * @returns The model (caller disposes), its metadata and directory.
 * @throws InputError with one line naming the file and what is wrong (missing, truncated,
 *   mismatched shapes, bad JSON), never a raw TF.js stack.
 */
export async function loadDensityModel(dir: string): Promise<LoadedDensityModel> {
  const root = path.resolve(resolveDir(dir));
  const { json, metadata, weightSpecs, paths } = readModelJson(root);
  const expectedBytes = weightSpecs.reduce((sum, w) => {
    const bytes = DTYPE_BYTES[w.dtype];
    if (!bytes || w.quantization) {
      throw new InputError(
        `${path.join(root, MODEL_JSON)}: weight ${w.name} has unsupported dtype ${w.dtype}${w.quantization ? ' (quantised)' : ''}`,
      );
    }
    return sum + bytes * w.shape.reduce((a, b) => a * b, 1);
  }, 0);
  const buffers: Buffer[] = [];
  for (const p of paths) {
    const shard = path.join(root, p);
    if (!fs.existsSync(shard))
      throw new InputError(`${shard}: weight shard named in model.json is missing`);
    buffers.push(fs.readFileSync(shard));
  }
  const data = Buffer.concat(buffers);
  if (data.byteLength !== expectedBytes) {
    throw new InputError(
      `${path.join(root, paths[paths.length - 1])}: weight data is ${data.byteLength} bytes, model.json expects ${expectedBytes} (truncated or wrong file)`,
    );
  }
  const weightData = data.buffer.slice(
    data.byteOffset,
    data.byteOffset + data.byteLength,
  ) as ArrayBuffer;
  const model = await buildChecked(root, json.modelTopology, weightSpecs, weightData);
  const shape = model.inputs[0].shape;
  if (shape[1] !== metadata.inputSize[0] || shape[2] !== metadata.inputSize[1]) {
    model.dispose();
    throw new InputError(
      `${path.join(root, MODEL_JSON)}: metadata inputSize ${JSON.stringify(metadata.inputSize)} does not match the topology input ${JSON.stringify(shape)}`,
    );
  }
  return { model, metadata, dir: root };
}

/**
 * Build the topology, check every weight of the manifest against it by name and shape, and only
 * then load the weights, so that a mismatch disposes the half-built model instead of leaking it.
 */
async function buildChecked(
  root: string,
  topology: unknown,
  weightSpecs: tf.io.WeightsManifestEntry[],
  weightData: ArrayBuffer,
): Promise<tf.LayersModel> {
  const file = path.join(root, MODEL_JSON);
  let model: tf.LayersModel;
  try {
    model = await tf.models.modelFromJSON({
      modelTopology: topology as tf.io.ModelJSON['modelTopology'],
    });
  } catch (err) {
    throw new InputError(
      `${file}: cannot build the model topology (${errorMessage(err).split('\n')[0]})`,
    );
  }
  const expected = new Map(model.weights.map((w) => [w.originalName, w]));
  const problems: string[] = [];
  for (const spec of weightSpecs) {
    const w = expected.get(spec.name);
    if (!w) problems.push(`${spec.name} is not in the topology`);
    else if (JSON.stringify(w.shape) !== JSON.stringify(spec.shape)) {
      problems.push(
        `${spec.name} has shape ${JSON.stringify(spec.shape)}, the layer needs ${JSON.stringify(w.shape)}`,
      );
    } else if (w.dtype !== spec.dtype) {
      problems.push(`${spec.name} has dtype ${spec.dtype}, the layer needs ${w.dtype}`);
    }
    expected.delete(spec.name);
  }
  for (const name of expected.keys()) problems.push(`${name} has no weights in the file`);
  if (problems.length > 0) {
    model.dispose();
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    throw new InputError(
      `${file}: weights do not match the model: ${problems.slice(0, 3).join('; ')}${more}`,
    );
  }
  const tensors = tf.io.decodeWeights(weightData, weightSpecs);
  try {
    model.loadWeights(tensors);
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return model;
}
