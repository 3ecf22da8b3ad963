/**
 * Deletion and insertion curves (V. Petsiuk, A. Das, K. Saenko, "RISE: Randomized Input Sampling
 * for Explanation of Black-box Models", BMVC 2018, §4.1), adapted to mammograms.
 *
 * Deletion: the breast pixels are removed in the order of the map (most highlighted first),
 * by setting them to the fat-level gray (not black: a black hole inside the breast is far
 * outside anything the network was trained on, while fatty tissue is what "no dense tissue"
 * looks like), and the probability of the target class is recorded after each step. A map that
 * finds the evidence makes the probability fall fast: low area under the curve (AUC).
 * Insertion: start from the breast filled with fat gray and put the original pixels back in the
 * same order: the probability should rise fast (high AUC). Both are compared with the same
 * procedure in a random pixel order, the baseline a map must beat.
 *
 * Cost: each curve needs `steps − 1` forward passes besides the shared end points, so the four
 * curves of one image take `4·(steps − 1) + 2` passes (30 at the default 8 steps, about 45 s at
 * 650×650 on the wasm backend).
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../data/createRng';
import type { ImageScorer } from './imageScorer';

/** Options of {@link perturbationCurves}. */
export interface PerturbationOptions {
  /** Number of steps; pixels are changed in `steps` equal parts. Default 8. */
  steps?: number;
  /** Gray level (0–255) replacing removed pixels: the fat level (see `fatGrayLevel`). */
  fillValue: number;
  /** Pixels that may be changed (1 = breast); default: every pixel. */
  region?: ArrayLike<number> | null;
  /** Seed of the random-order baseline. Default 0. */
  seed?: number;
}

/** Curves of one image. Scores are probabilities of the target class. */
export interface PerturbationCurves {
  /** Target class index. */
  target: number;
  /** Fraction of the region changed at each point: 0, 1/steps, …, 1. */
  fractions: number[];
  /** Deletion in map order. */
  deletion: number[];
  /** Deletion in random order. */
  deletionRandom: number[];
  /** Insertion in map order. */
  insertion: number[];
  /** Insertion in random order. */
  insertionRandom: number[];
  /** Trapezoidal areas under the four curves (x in [0, 1]). */
  auc: { deletion: number; deletionRandom: number; insertion: number; insertionRandom: number };
}

/**
 * Area under a curve sampled at `xs` (trapezoid rule).
 * @returns Σ (x_{i+1} − x_i)(y_i + y_{i+1})/2.
 */
export function trapezoidAuc(xs: readonly number[], ys: readonly number[]): number {
  tf.util.assert(xs.length === ys.length, () => `${xs.length} x values, ${ys.length} y values`);
  let a = 0;
  for (let i = 0; i + 1 < xs.length; i++) a += ((xs[i + 1] - xs[i]) * (ys[i] + ys[i + 1])) / 2;
  return a;
}

/**
 * Indices of the region's pixels, most highlighted first (ties in index order).
 * @param map Map values, row-major.
 * @param region 1 = eligible; default all pixels.
 */
export function rankPixels(map: ArrayLike<number>, region?: ArrayLike<number> | null): Int32Array {
  const idx: number[] = [];
  for (let i = 0; i < map.length; i++) if (!region || region[i]) idx.push(i);
  idx.sort((a, b) => map[b] - map[a] || a - b);
  return Int32Array.from(idx);
}

/** The region's pixels in a seeded random order (Fisher–Yates). */
export function randomPixelOrder(
  n: number,
  region: ArrayLike<number> | null | undefined,
  seed: number,
): Int32Array {
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (!region || region[i]) idx.push(i);
  const rng = createRng(seed);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return Int32Array.from(idx);
}

/** Image with the first `count` pixels of `order` set from `source` (others from `base`). */
function applyOrder(
  base: Float32Array,
  source: Float32Array,
  order: Int32Array,
  count: number,
): Float32Array {
  const out = base.slice();
  for (let k = 0; k < count; k++) out[order[k]] = source[order[k]];
  return out;
}

/**
 * Deletion and insertion curves of one image, for the map's order and a random order.
 * @param image Gray values (0–255) at the network input size, row-major.
 * @param map Map at the same size.
 * @param target Class whose probability is recorded.
 * @param scorer Probabilities of a list of images (see `createImageScorer`).
 * @param options Steps, fill gray, region, seed.
 */
export async function perturbationCurves(
  image: Float32Array,
  map: ArrayLike<number>,
  target: number,
  scorer: ImageScorer,
  options: PerturbationOptions,
): Promise<PerturbationCurves> {
  const steps = options.steps ?? 8;
  tf.util.assert(
    Number.isInteger(steps) && steps >= 2,
    () => `deletion steps must be a whole number ≥ 2, got ${steps}`,
  );
  tf.util.assert(
    map.length === image.length,
    () => `map has ${map.length} values, the image ${image.length}`,
  );
  const region = options.region ?? null;
  const mapOrder = rankPixels(map, region);
  const randOrder = randomPixelOrder(image.length, region, options.seed ?? 0);
  const n = mapOrder.length;
  const blank = image.slice();
  for (let k = 0; k < n; k++) blank[mapOrder[k]] = options.fillValue;
  const counts = Array.from({ length: steps + 1 }, (_, k) => Math.round((k * n) / steps));
  // Intermediate images of the four curves; the end points (original, blank) are shared.
  const images: Float32Array[] = [image, blank];
  const inner = counts.slice(1, -1);
  for (const c of inner) images.push(applyOrder(image, blank, mapOrder, c));
  for (const c of inner) images.push(applyOrder(image, blank, randOrder, c));
  for (const c of inner) images.push(applyOrder(blank, image, mapOrder, c));
  for (const c of inner) images.push(applyOrder(blank, image, randOrder, c));
  const scores = (await scorer(images)).map((p) => p[target]);
  const [orig, empty] = scores;
  const m = inner.length;
  const part = (j: number): number[] => scores.slice(2 + j * m, 2 + (j + 1) * m);
  const deletion = [orig, ...part(0), empty];
  const deletionRandom = [orig, ...part(1), empty];
  const insertion = [empty, ...part(2), orig];
  const insertionRandom = [empty, ...part(3), orig];
  const fractions = counts.map((c) => (n > 0 ? c / n : 0));
  return {
    target,
    fractions,
    deletion,
    deletionRandom,
    insertion,
    insertionRandom,
    auc: {
      deletion: trapezoidAuc(fractions, deletion),
      deletionRandom: trapezoidAuc(fractions, deletionRandom),
      insertion: trapezoidAuc(fractions, insertion),
      insertionRandom: trapezoidAuc(fractions, insertionRandom),
    },
  };
}

/**
 * The fat gray level of a mammogram: the median gray of breast pixels that are not dense
 * (falls back to the median of the breast, then of the whole image).
 * @param image Gray values 0–255.
 * @param breastMask 1 inside the breast (optional).
 * @param denseMask 1 on dense tissue (optional).
 */
export function fatGrayLevel(
  image: ArrayLike<number>,
  breastMask?: ArrayLike<number> | null,
  denseMask?: ArrayLike<number> | null,
): number {
  const pick = (useDense: boolean, useBreast: boolean): number[] => {
    const v: number[] = [];
    for (let i = 0; i < image.length; i++) {
      if (useBreast && breastMask && !breastMask[i]) continue;
      if (useDense && denseMask && denseMask[i]) continue;
      v.push(image[i]);
    }
    return v;
  };
  let values = pick(true, true);
  if (values.length === 0) values = pick(false, true);
  if (values.length === 0) values = pick(false, false);
  values.sort((a, b) => a - b);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}
