/**
 * Average drop and increase in confidence (A. Chattopadhay, A. Sarkar, P. Howlader,
 * V. N. Balasubramanian, "Grad-CAM++", WACV 2018, §5.1.1).
 *
 * The network sees only what the map shows: the "explanation image" keeps each breast pixel in
 * proportion to its map value and fades the rest towards the fat-level gray,
 * E = fill + m·(I − fill) (the paper multiplies by the map, E = m·I, which on a mammogram would
 * paint the unexplained breast black). With Y the target probability on the image and O on E:
 * drop = max(0, Y − O)/Y (lower is better: the map keeps what the decision needs) and
 * increase = [O > Y] (higher is better).
 */
import * as tf from '@tensorflow/tfjs';

/**
 * The explanation image E = fill + m·(I − fill) inside the region (outside unchanged).
 * @param image Gray values 0–255.
 * @param map Values in [0, 1], same size.
 * @param fillValue Fat gray level.
 * @param region 1 = breast; default every pixel.
 */
export function explanationImage(
  image: Float32Array,
  map: ArrayLike<number>,
  fillValue: number,
  region?: ArrayLike<number> | null,
): Float32Array {
  tf.util.assert(
    map.length === image.length,
    () => `map has ${map.length} values, the image ${image.length}`,
  );
  const out = image.slice();
  for (let i = 0; i < image.length; i++) {
    if (region && !region[i]) continue;
    const m = Math.min(1, Math.max(0, map[i]));
    out[i] = fillValue + m * (image[i] - fillValue);
  }
  return out;
}

/** Confidence change of one image. */
export interface ConfidenceChange {
  /** Target probability on the image, Y. */
  original: number;
  /** Target probability on the explanation image, O. */
  explained: number;
  /** max(0, Y − O)/Y, in [0, 1] (NaN when Y = 0). */
  drop: number;
  /** Whether O > Y. */
  increase: boolean;
}

/**
 * Drop and increase for one image from the two probabilities.
 * @param original Y.
 * @param explained O.
 */
export function confidenceChange(original: number, explained: number): ConfidenceChange {
  return {
    original,
    explained,
    drop: original > 0 ? Math.max(0, original - explained) / original : NaN,
    increase: explained > original,
  };
}
