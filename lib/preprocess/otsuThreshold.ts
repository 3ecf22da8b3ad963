/**
 * Otsu's threshold: N. Otsu, "A threshold selection method from gray-level histograms",
 * IEEE Trans. Syst. Man Cybern. 9(1):62–66, 1979.
 */

/**
 * Otsu's threshold of a histogram: the level t maximising the between-class variance
 * w0·w1·(μ0−μ1)² of the classes {v ≤ t} and {v > t}. When several levels tie (an empty gap
 * between two modes), the middle of the tied run is returned.
 * @param histogram Counts per level (any length L ≥ 2, usually 256); non-negative.
 * @returns t in [0, L−2]: values ≤ t are class 0 (background), values > t class 1. For a
 *   histogram with a single occupied level, that level.
 */
export function otsuThreshold(histogram: ArrayLike<number>): number {
  const L = histogram.length;
  if (L < 2) throw new Error(`otsuThreshold: expected a histogram with at least 2 bins, got ${L}`);
  let total = 0;
  let sum = 0;
  for (let v = 0; v < L; v++) {
    if (!(histogram[v] >= 0))
      throw new Error(`otsuThreshold: bin ${v} is ${histogram[v]}, expected a count ≥ 0`);
    total += histogram[v];
    sum += v * histogram[v];
  }
  if (total === 0) return 0;
  let w0 = 0;
  let sum0 = 0;
  let best = -1;
  let first = 0;
  let last = 0;
  for (let t = 0; t < L - 1; t++) {
    w0 += histogram[t];
    sum0 += t * histogram[t];
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const d = sum0 / w0 - (sum - sum0) / w1;
    const between = w0 * w1 * d * d;
    if (between > best * (1 + 1e-12)) {
      best = between;
      first = t;
      last = t;
    } else if (between >= best * (1 - 1e-12)) {
      last = t;
    }
  }
  if (best < 0) {
    // A single occupied level: no split exists.
    for (let v = 0; v < L; v++) if (histogram[v] > 0) return v;
  }
  return Math.floor((first + last) / 2);
}
