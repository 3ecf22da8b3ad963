/**
 * A tile-free gradient for TF.js's `FusedBatchNorm` kernel (the op behind
 * `tf.layers.batchNormalization`).
 *
 * TF.js 4.22's own gradient broadcasts `1/√(var+ε)` over the input with an explicit `tile` to the
 * full `[N, H, W, C]` shape before multiplying, which on the wasm backend costs as much as a
 * convolution per layer. This version computes the same values with broadcasting
 * multiplications (no full-size temporary). Mathematically and numerically the same expressions:
 *
 *   dx = dy · γ / √(var+ε),  dmean = −Σ dy·γ / √(var+ε),  dvar = Σ −½ (var+ε)^−3/2 (x−mean) dy γ,
 *   dγ = Σ dy (x−mean) / √(var+ε),  dβ = Σ dy   (sums over every axis but the channel axis).
 *
 * Reference: S. Ioffe, C. Szegedy, "Batch Normalization: Accelerating Deep Network Training by
 * Reducing Internal Covariate Shift", ICML 2015; tfjs-core `FusedBatchNorm_grad.ts`.
 */
import * as tf from '@tensorflow/tfjs';

/** Kernel name of batch normalisation in TF.js. */
const BATCH_NORM_KERNEL = 'FusedBatchNorm';

/** The gradient config, created on first registration. */
let config: tf.GradConfig | undefined;

function createConfig(): tf.GradConfig {
  return {
    kernelName: BATCH_NORM_KERNEL,
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const g = dy as tf.Tensor;
      const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
      const [x, mean, variance, scale] = saved;
      const scaleValue = scale == null ? tf.scalar(1) : scale;
      const reductionAxes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
      const reduce = (t: tf.Tensor): tf.Tensor =>
        tf.reshape(reductionAxes.length > 0 ? tf.sum(t, reductionAxes) : t, mean.shape);
      const xMinusMean = tf.sub(x, mean);
      const oneOverSqrtVariance = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
      // Per-channel factors first (small tensors), then one broadcast multiply with the big one.
      const scaleOverStd = tf.mul(oneOverSqrtVariance, scaleValue);
      const minusHalfRCube = tf.mul(
        tf.mul(tf.mul(oneOverSqrtVariance, oneOverSqrtVariance), oneOverSqrtVariance),
        tf.scalar(-0.5),
      );
      return {
        x: () => tf.reshape(tf.mul(g, scaleOverStd), x.shape),
        mean: () => tf.mul(reduce(g), tf.neg(scaleOverStd)),
        variance: () => tf.mul(reduce(tf.mul(xMinusMean, g)), tf.mul(minusHalfRCube, scaleValue)),
        scale: () => tf.mul(reduce(tf.mul(g, xMinusMean)), oneOverSqrtVariance),
        offset: () => reduce(g),
      };
    },
  };
}

/**
 * Register the tile-free `FusedBatchNorm` gradient (for every backend: the gradient registry of
 * TF.js is global; the values are those of TF.js's own gradient up to float rounding).
 * Explicit call, nothing happens at import time; idempotent.
 * @returns Whether this call registered it (false when already registered by this module).
 */
export function registerBatchNormGradient(): boolean {
  const current = tf.getGradient(BATCH_NORM_KERNEL);
  if (config !== undefined && current === config) return false;
  config = config ?? createConfig();
  tf.registerGradient(config);
  return true;
}
