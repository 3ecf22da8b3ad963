/**
 * Does the map look at the dense tissue? Measures against a ground-truth dense-tissue mask
 * (phantoms have one; real mammograms do not).
 */
import * as tf from '@tensorflow/tfjs';

/** Result of {@link attentionRatio}. */
export interface AttentionRatio {
  /** Share of the map's mass (Σ m) inside the breast that lies on dense tissue, in [0, 1]. */
  massOnDense: number;
  /** Dense share of the breast area: dense pixels / breast pixels, in [0, 1]. */
  denseShare: number;
  /**
   * `massOnDense / denseShare`: 1 = no preference (the map is spread like a uniform one),
   * > 1 = the map concentrates on dense tissue, < 1 = it avoids it. NaN when undefined
   * (no map mass in the breast, or no dense / no fatty tissue at all).
   */
  ratio: number;
  /** Share of the whole map's mass that lies inside the breast (the rest is on background). */
  massInBreast: number;
}

function checkLengths(n: number, ...arrays: (ArrayLike<number> | null | undefined)[]): void {
  for (const a of arrays) {
    if (!a) continue;
    tf.util.assert(
      a.length === n,
      () => `map and masks must have the same number of pixels: ${n} vs ${a.length}`,
    );
  }
}

/**
 * Attention ratio of a map: where its mass lies, relative to the dense share of the breast.
 * @param map Map values ≥ 0 (normalised or not), row-major `H·W`.
 * @param denseMask 1 where the tissue is dense, 0 elsewhere (same size).
 * @param breastMask 1 inside the breast (pectoral region excluded when it should not count),
 *   0 elsewhere; default: every pixel.
 */
export function attentionRatio(
  map: ArrayLike<number>,
  denseMask: ArrayLike<number>,
  breastMask?: ArrayLike<number> | null,
): AttentionRatio {
  const n = map.length;
  checkLengths(n, denseMask, breastMask);
  let total = 0;
  let inBreast = 0;
  let onDense = 0;
  let breastPixels = 0;
  let densePixels = 0;
  for (let i = 0; i < n; i++) {
    const m = map[i] > 0 ? map[i] : 0;
    total += m;
    if (breastMask && !breastMask[i]) continue;
    breastPixels++;
    inBreast += m;
    if (denseMask[i]) {
      densePixels++;
      onDense += m;
    }
  }
  const massOnDense = inBreast > 0 ? onDense / inBreast : NaN;
  const denseShare = breastPixels > 0 ? densePixels / breastPixels : NaN;
  const ratio =
    denseShare > 0 && denseShare < 1 && Number.isFinite(massOnDense)
      ? massOnDense / denseShare
      : NaN;
  return { massOnDense, denseShare, ratio, massInBreast: total > 0 ? inBreast / total : NaN };
}

/** Result of {@link pointingGame}. */
export interface PointingGame {
  /** Whether the map's maximum (inside the breast) lies on dense tissue. */
  hit: boolean;
  /** Column of the maximum. */
  x: number;
  /** Row of the maximum. */
  y: number;
}

/**
 * Pointing game (J. Zhang, S. A. Bargal, Z. Lin, J. Brandt, X. Shen, S. Sclaroff, "Top-down
 * Neural Attention by Excitation Backprop", IJCV 2018): a hit when the map's maximum falls on
 * the object, here the dense tissue. The first maximum in row-major order is used.
 * @param map Map values, row-major `width·height`.
 * @param width Map width (to report x, y).
 * @param denseMask 1 on dense tissue.
 * @param breastMask Optional: only the breast is searched for the maximum.
 * @returns Hit and position; `hit` false when the map has no positive value in the breast.
 */
export function pointingGame(
  map: ArrayLike<number>,
  width: number,
  denseMask: ArrayLike<number>,
  breastMask?: ArrayLike<number> | null,
): PointingGame {
  checkLengths(map.length, denseMask, breastMask);
  let best = -1;
  let bestValue = 0;
  for (let i = 0; i < map.length; i++) {
    if (breastMask && !breastMask[i]) continue;
    if (map[i] > bestValue) {
      bestValue = map[i];
      best = i;
    }
  }
  if (best < 0) return { hit: false, x: -1, y: -1 };
  return { hit: Boolean(denseMask[best]), x: best % width, y: Math.floor(best / width) };
}
