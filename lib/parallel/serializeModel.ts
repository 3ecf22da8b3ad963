/**
 * Moving a Layers model to another thread: its topology and weights as structured-cloneable data.
 */
import * as tf from '@tensorflow/tfjs';

/** A model as plain data (topology JSON + one weight buffer), safe to post to a worker. */
export interface SerializedModel {
  /** Keras-style topology (`model.toJSON` form). */
  modelTopology: object;
  /** Names, shapes and dtypes of the weights in `weightData` order. */
  weightSpecs: tf.io.WeightsManifestEntry[];
  /** All weights concatenated (float32 little-endian). */
  weightData: ArrayBuffer;
}

/**
 * Serialise a Layers model (topology and current weights).
 * @param model Any `tf.LayersModel` (not modified).
 * @returns Plain data for {@link deserializeModel}; weightData is a fresh buffer (≈ 4 bytes per
 *   parameter, 9 MB for the 650×650 density network).
 */
export async function serializeModel(model: tf.LayersModel): Promise<SerializedModel> {
  let out: SerializedModel | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const buffers = data === undefined ? [] : Array.isArray(data) ? data : [data];
      out = {
        modelTopology: artifacts.modelTopology as object,
        weightSpecs: artifacts.weightSpecs ?? [],
        weightData: tf.io.concatenateArrayBuffers(buffers),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!out) throw new Error('serializeModel: the model produced no artifacts');
  return out;
}

/**
 * Rebuild a model serialised by {@link serializeModel} on the current backend.
 * @returns A new `tf.LayersModel`; the caller disposes it.
 */
export async function deserializeModel(serialized: SerializedModel): Promise<tf.LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: serialized.modelTopology,
      weightSpecs: serialized.weightSpecs,
      weightData: serialized.weightData,
    }),
  );
}
