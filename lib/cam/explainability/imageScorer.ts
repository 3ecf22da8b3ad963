/**
 * Class probabilities of gray images at the network's input size, for the perturbation measures
 * (deletion / insertion curves, confidence drop), which change pixels and re-run the network.
 */
import * as tf from '@tensorflow/tfjs';
import { replicateChannels, standardizeSample } from '../../data/preprocessForNetwork';
import type { InferenceModel } from '../../fast/createInferenceModel';

/**
 * Scores a list of gray images (each `H·W` values 0–255 at the input size) → softmax
 * probabilities per image (`[n][classes]`).
 */
export type ImageScorer = (images: Float32Array[]) => Promise<number[][]>;

/**
 * Build an {@link ImageScorer} for a model: each image is centred as the original preprocessing
 * does (`(x − mean(x)) / 255`, gray replicated to 3 channels; the image must already be at the
 * input size) and run through `model.predict` in batches.
 * @param model The network (not owned). A model with a linear head gets a softmax applied.
 * @param inputSize `[H, W]` from the model metadata.
 * @param batchSize Images per forward pass (default 4; memory ≈ 5 MB per image at 650×650).
 * @param fast Optional fast inference form of the same model (`createInferenceModel`, BatchNorm
 *   folded; same probabilities up to float32 rounding), used instead of `model.predict`; not
 *   disposed here.
 */
export function createImageScorer(
  model: tf.LayersModel,
  inputSize: [number, number],
  batchSize = 4,
  fast?: InferenceModel,
): ImageScorer {
  const [h, w] = inputSize;
  const last = model.layers[model.layers.length - 1];
  const softmaxHead = (last.getConfig() as { activation?: string }).activation === 'softmax';
  return async (images: Float32Array[]): Promise<number[][]> => {
    const out: number[][] = [];
    for (let s = 0; s < images.length; s += batchSize) {
      const chunk = images.slice(s, s + batchSize);
      const data = new Float32Array(chunk.length * h * w * 3);
      chunk.forEach((img, i) => {
        tf.util.assert(
          img.length === h * w,
          () => `image ${s + i} has ${img.length} pixels, the model input is ${w}×${h}`,
        );
        data.set(replicateChannels(standardizeSample(img)), i * h * w * 3);
      });
      const probs = tf.tidy(() => {
        const x = tf.tensor4d(data, [chunk.length, h, w, 3]);
        const y = fast ? fast.predict(x) : (model.predict(x) as tf.Tensor2D);
        return softmaxHead ? y : tf.softmax(y);
      });
      out.push(...((await probs.array()) as number[][]));
      probs.dispose();
    }
    return out;
  };
}
