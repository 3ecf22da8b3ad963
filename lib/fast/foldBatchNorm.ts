/**
 * Folding an inference-mode BatchNormalization into the convolution that feeds it.
 *
 * At inference BatchNorm is the per-channel affine map y = γ·(x − μ)/√(σ² + ε) + β, so after a
 * convolution x = w * a + b it can be absorbed into the convolution's weights:
 * w' = w·s, b' = (b − μ)·s + β with s = γ/√(σ² + ε), per output channel (Ioffe & Szegedy,
 * "Batch Normalization", ICML 2015, §3.2; the standard "BN folding" of inference engines).
 * The arithmetic is done in float64 and rounded once to float32.
 */
import * as tf from '@tensorflow/tfjs';

/** Inference-mode parameters of one BatchNormalization over the last axis, each of length C. */
export interface BatchNormParams {
  /** Scale γ (ones when the layer has `scale: false`). */
  gamma: Float32Array;
  /** Offset β (zeros when the layer has `center: false`). */
  beta: Float32Array;
  /** Moving mean μ. */
  movingMean: Float32Array;
  /** Moving variance σ² (≥ 0). */
  movingVariance: Float32Array;
  /** ε added to the variance (Keras default 1e-3). */
  epsilon: number;
}

/** A convolution kernel and bias after folding, as plain arrays (the caller makes tensors). */
export interface FoldedConv {
  /** Kernel `[kh, kw, inChannels, outChannels]` (HWIO, TF.js layout), flattened row-major. */
  kernel: Float32Array;
  /** Bias, length `outChannels`. */
  bias: Float32Array;
}

/**
 * Fold BatchNorm parameters into a convolution kernel and bias.
 * @param kernel Flattened HWIO kernel whose last (fastest) axis is the output channel, length
 *   `kh·kw·in·C`.
 * @param bias Conv bias of length C, or `null` when the conv has no bias (treated as zeros).
 * @param bn BatchNorm parameters of length C.
 * @returns New arrays (inputs are not modified).
 */
export function foldBatchNorm(
  kernel: Float32Array,
  bias: Float32Array | null,
  bn: BatchNormParams,
): FoldedConv {
  const c = bn.gamma.length;
  for (const [name, arr] of [
    ['beta', bn.beta],
    ['movingMean', bn.movingMean],
    ['movingVariance', bn.movingVariance],
  ] as const) {
    tf.util.assert(
      arr.length === c,
      () => `foldBatchNorm: expected ${name} of length ${c}, got ${arr.length}`,
    );
  }
  tf.util.assert(
    kernel.length % c === 0 && kernel.length > 0,
    () => `foldBatchNorm: kernel length ${kernel.length} is not a multiple of ${c} channels`,
  );
  tf.util.assert(
    bias === null || bias.length === c,
    () => `foldBatchNorm: expected a bias of length ${c}, got ${bias?.length}`,
  );
  const scale = new Float64Array(c);
  for (let k = 0; k < c; k++) scale[k] = bn.gamma[k] / Math.sqrt(bn.movingVariance[k] + bn.epsilon);
  const outKernel = new Float32Array(kernel.length);
  for (let i = 0; i < kernel.length; i++) outKernel[i] = kernel[i] * scale[i % c];
  const outBias = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    outBias[k] = ((bias ? bias[k] : 0) - bn.movingMean[k]) * scale[k] + bn.beta[k];
  }
  return { kernel: outKernel, bias: outBias };
}
