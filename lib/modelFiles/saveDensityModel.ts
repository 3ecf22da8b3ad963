/**
 * Save a model in the standard TF.js Layers format (`model.json` + binary weight shards) on the
 * local filesystem, without tfjs-node, crash-safely.
 *
 * Shards are named after a hash of their content and written first (each atomically); `model.json`,
 * which names them, is renamed into place last; only then are shards no longer named removed.
 * A crash at any point leaves the previous complete model (or none), never a mix. Other files in
 * the directory (README, history) are kept.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { ensureWritableDir, writeFileAtomic } from '../io/atomicWrite';
import type { ModelMetadata } from './modelMetadata';

/** Name of the topology + manifest file in a model directory. */
export const MODEL_JSON = 'model.json';
/** Maximum shard size in bytes (as tfjs-converter: 4 MiB). */
export const SHARD_BYTES = 4 * 1024 * 1024;

/**
 * Save `model` and its metadata to directory `dir` (created when missing).
 *
 * Layout: `model.json` (`format: "layers-model"`, `modelTopology`, `weightsManifest`,
 * `userDefinedMetadata.breastDensity` = metadata) and `group1-shard{i}of{n}-{hash}.bin` shards,
 * float32 little-endian in manifest order; loadable by `tf.loadLayersModel('file://…/model.json')`
 * under tfjs-node as well as by {@link loadDensityModel}.
 * @param model The model to save (not modified, not disposed).
 * @param dir Target directory.
 * @param metadata Project metadata (input size, classes, provenance).
 */
export async function saveDensityModel(
  model: tf.LayersModel,
  dir: string,
  metadata: ModelMetadata,
): Promise<void> {
  const inputShape = model.inputs[0].shape;
  tf.util.assert(
    inputShape[1] === metadata.inputSize[0] && inputShape[2] === metadata.inputSize[1],
    () =>
      `metadata inputSize ${JSON.stringify(metadata.inputSize)} does not match the model input ${JSON.stringify(inputShape)}`,
  );
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts || !artifacts.weightData || !artifacts.weightSpecs) {
    throw new Error('TF.js returned no weights when saving the model');
  }
  const weightData = new Uint8Array(
    tf.io.concatenateArrayBuffers(
      Array.isArray(artifacts.weightData) ? artifacts.weightData : [artifacts.weightData],
    ),
  );
  const nShards = Math.max(1, Math.ceil(weightData.byteLength / SHARD_BYTES));
  const hash = createHash('sha256').update(weightData).digest('hex').slice(0, 10);
  const paths = Array.from(
    { length: nShards },
    (_, i) => `group1-shard${i + 1}of${nShards}-${hash}.bin`,
  );
  const modelJson = {
    format: 'layers-model',
    generatedBy: artifacts.generatedBy,
    convertedBy: 'breast-density',
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths, weights: artifacts.weightSpecs }],
    userDefinedMetadata: { breastDensity: metadata },
  };
  ensureWritableDir(dir);
  const previous = readShardNames(dir);
  paths.forEach((p, i) => {
    writeFileAtomic(path.join(dir, p), weightData.subarray(i * SHARD_BYTES, (i + 1) * SHARD_BYTES));
  });
  writeFileAtomic(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
  for (const old of previous) {
    if (!paths.includes(old)) fs.rmSync(path.join(dir, old), { force: true });
  }
}

/** Shard files named by an existing `model.json` in `dir` (none when absent or unreadable). */
function readShardNames(dir: string): string[] {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(dir, MODEL_JSON), 'utf8'));
    return (json.weightsManifest ?? []).flatMap((g: { paths?: string[] }) => g.paths ?? []);
  } catch {
    return []; // no previous model (or an unreadable one): nothing to clean up
  }
}
