/**
 * Re-estimate the batch-normalisation moving statistics of a network from training data
 * ("precise BN"): the moving mean and variance of every BatchNormalization layer become the
 * average, over the given batches, of the per-batch mean and variance (forward passes in training
 * mode, no weight update).
 *
 * Why: Keras BN keeps exponential moving averages with momentum 0.99, so after N optimisation
 * steps the initial statistics (mean 0, variance 1) still weigh 0.99^N (0.37 after 100 steps).
 * A short training (minutes on a laptop, the bundled phantom models) therefore validates and
 * predicts with statistics that do not match its weights. The original 100-epoch run did not
 * need this; it is an option of the trainer (`bnRecalibrationImages`, CLI `--recalibrate-bn`).
 *
 * Reference: Y. Wu, J. Johnson, "Rethinking 'Batch' in BatchNorm", arXiv:2105.07576 (2021),
 * section 3 ("precise BN").
 */
import * as tf from '@tensorflow/tfjs';

/** A BatchNormalization layer as TF.js implements it (its momentum is read at every call). */
interface BatchNormLayer {
  momentum: number;
  getClassName(): string;
}

/**
 * Re-estimate the BN statistics of `model` from `batches`.
 * @param model A model with BatchNormalization layers (modified in place: moving mean/variance).
 * @param batches Network inputs, float32 `[n, H, W, 3]` preprocessed, e.g. un-augmented training
 *   batches; each is disposed by the caller.
 * @returns Number of batches used. No tensor is left behind.
 */
export async function recalibrateBatchNorm(
  model: tf.LayersModel,
  batches: AsyncIterable<tf.Tensor4D> | Iterable<tf.Tensor4D>,
): Promise<number> {
  const layers = model.layers.filter(
    (l) => l.getClassName() === 'BatchNormalization',
  ) as unknown as BatchNormLayer[];
  const saved = layers.map((l) => l.momentum);
  let k = 0;
  try {
    for await (const xs of batches) {
      k++;
      // Running average: batch k enters with weight 1/k (momentum 0 replaces the old values).
      for (const l of layers) l.momentum = 1 - 1 / k;
      tf.tidy(() => {
        model.apply(xs, { training: true });
      });
    }
  } finally {
    layers.forEach((l, i) => (l.momentum = saved[i]));
  }
  return k;
}
