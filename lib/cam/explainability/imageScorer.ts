/**
 * Class probabilities of gray images at the network's input size, for the perturbation measures
 * (deletion / insertion curves, confidence drop), which change pixels and re-run the network.
 */
import * as tf from '@tensorflow/tfjs';
import { replicateChannels, standardizeSample } from '../../data/preprocessForNetwork';
import type { DensityEngine } from '../../engine/densityEngine';

/**
 * Scores a list of gray images (each `H·W` values 0–255 at the input size) → softmax
 * probabilities per image (`[n][classes]`).
 */
export type ImageScorer = (images: Float32Array[]) => Promise<number[][]>;

/**
 * Build an {@link ImageScorer} for a model: each image is centred as the original preprocessing
 * does (`(x − mean(x)) / 255`, gray replicated to 3 channels; the image must already be at the
 * input size) and run through the engine in batches (or `model.predict` without an engine).
 * @param model The network (not owned). A model with a linear head gets a softmax applied.
 * @param inputSize `[H, W]` from the model metadata.
 * @param batchSize Images per forward pass (default 4; memory ≈ 5 MB per image at 650×650).
 * @param engine Compute engine of the same model (`createDensityEngine`; its probabilities are
 *   always softmax), not disposed here. Default: `model.predict` on TF.js.
 */
export function createImageScorer(
  model: tf.LayersModel,
  inputSize: [number, number],
  batchSize = 4,
  engine?: DensityEngine,
): ImageScorer {
  const [h, w] = inputSize;
  const last = model.layers[model.layers.length - 1];
  const softmaxHead = (last.getConfig() as { activation?: string }).activation === 'softmax';
  const tfjsScores = async (data: Float32Array, n: number): Promise<number[][]> => {
    const probs = tf.tidy(() => {
      const y = model.predict(tf.tensor4d(data, [n, h, w, 3])) as tf.Tensor2D;
      return softmaxHead ? y : tf.softmax(y);
    });
    try {
      return (await probs.array()) as number[][];
    } finally {
      probs.dispose();
    }
  };
  const engineScores = async (
    e: DensityEngine,
    data: Float32Array,
    n: number,
  ): Promise<number[][]> => {
    const { probabilities } = await e.forward(data, n);
    const k = e.numClasses;
    return Array.from({ length: n }, (_, i) =>
      Array.from(probabilities.subarray(i * k, (i + 1) * k)),
    );
  };
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
      out.push(
        ...(engine
          ? await engineScores(engine, data, chunk.length)
          : await tfjsScores(data, chunk.length)),
      );
    }
    return out;
  };
}
