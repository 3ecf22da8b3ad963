/**
 * Post-processing shared by every map method: upsampling to the input size and normalisation to
 * [0, 1], with maps that are identically zero flagged instead of divided by zero.
 *
 * keras-vis (`visualize_cam`, used by the original) upsamples the ReLU'd map with cubic
 * interpolation (`scipy.misc.imresize(..., interp='bicubic', mode='F')` in release 0.4.1,
 * `scipy.ndimage.zoom` with order-3 splines on its master branch) and then normalises with
 * `utils.normalize`: `(x − min) / (max − min + K.epsilon())`, `K.epsilon() = 1e-7`.
 * Here the upsampling is bilinear with half-pixel centres (`tf.image.resizeBilinear`, as OpenCV's
 * `cv2.resize` in jacobgil/pytorch-grad-cam): TF.js has no bicubic resize, and bilinear never
 * overshoots, so the upsampled map stays ≥ 0 and its maxima stay where the coarse map has them
 * (cubic interpolation rings by a few percent around sharp peaks; the difference is invisible in
 * the coloured maps). The min-max normalisation and its epsilon are keras-vis's.
 */
import * as tf from '@tensorflow/tfjs';

/** Epsilon of the normalisation (Keras `K.epsilon()`). */
export const CAM_EPSILON = 1e-7;

/** How maps are scaled to [0, 1]. */
export type CamNormalization = 'minmax' | 'max';

/** Result of {@link normalizeMaps}. The caller disposes `maps`. */
export interface NormalizedMaps {
  /** `[batch, H, W]` float32 in [0, 1]; all zeros for a flagged map. */
  maps: tf.Tensor3D;
  /** Per image: the map was identically zero before normalisation (nothing to show). */
  empty: boolean[];
}

/**
 * Upsample non-negative low-resolution maps to `[H, W]` and normalise each to [0, 1].
 * @param lowRes `[batch, h, w]` float32, ≥ 0 (after the ReLU). Not disposed.
 * @param size Target `[H, W]` (the network input size).
 * @param normalization `minmax` (keras-vis, default): `(x − min)/(max − min + ε)`;
 *   `max`: `x/(max + ε)` (keeps the zero level, so map mass ratios are scale-free).
 * @returns Normalised maps and per-image emptiness flags (max of `lowRes` ≤ 0: the ReLU removed
 *   everything; such a map is returned as zeros, not divided by ~0).
 */
export function normalizeMaps(
  lowRes: tf.Tensor3D,
  size: [number, number],
  normalization: CamNormalization = 'minmax',
): NormalizedMaps {
  const maxima = tf.tidy(() => tf.max(lowRes, [1, 2]).dataSync());
  const empty = Array.from(maxima, (m) => !(m > 0));
  const maps = tf.tidy(() => {
    const up = tf.image
      .resizeBilinear(tf.expandDims(lowRes, 3) as tf.Tensor4D, size, false, true)
      .squeeze([3]) as tf.Tensor3D;
    const hi = tf.max(up, [1, 2], true);
    const lo = normalization === 'minmax' ? tf.min(up, [1, 2], true) : tf.zerosLike(hi);
    const scaled = tf.div(tf.sub(up, lo), tf.add(tf.sub(hi, lo), CAM_EPSILON));
    const keep = tf.tensor1d(empty.map((e) => (e ? 0 : 1))).reshape([-1, 1, 1]);
    return tf.mul(scaled, keep) as tf.Tensor3D;
  });
  return { maps, empty };
}
