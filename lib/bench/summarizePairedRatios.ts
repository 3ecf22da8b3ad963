/**
 * Paired timings of two engines (A and B, one run of each per pair, adjacent in time) summarised
 * as ratios A/B: the median ratio with its distribution-free 95 % confidence interval (order
 * statistics of the binomial, as for the sign test; Conover, *Practical Nonparametric
 * Statistics*, 3rd ed., 1999, section 3.2), and the one-sided sign test of "A is faster".
 * Pairing cancels the slow drifts of a shared host that make two separate benches disagree.
 */

/** Summary of paired ratios A/B. */
export interface PairedRatioSummary {
  /** Number of pairs. */
  pairs: number;
  /** Median of the per-pair ratios A/B (the mean of the two middle ones for an even count). */
  median: number;
  /**
   * Distribution-free confidence interval of the median ratio, coverage ≥ 95 %: order
   * statistics k and n + 1 − k of the sorted ratios, with k the largest such that
   * P(Binomial(n, ½) < k) ≤ 0.025. `null` below 6 pairs, where no such k exists.
   */
  ci95: [number, number] | null;
  /** Pairs where A took less time than B (ratio < 1). */
  aFaster: number;
  /** One-sided sign-test p-value of "A is faster": P(Binomial(n, ½) ≥ aFaster). */
  signTestP: number;
  /** The per-pair ratios, in the order measured. */
  ratios: number[];
}

/** P(Binomial(n, ½) ≤ k), summed in log space (no underflow for large n). */
function binomialHalfCdf(n: number, k: number): number {
  let logP = -n * Math.LN2;
  let total = 0;
  for (let i = 0; i <= Math.min(k, n); i++) {
    total += Math.exp(logP);
    logP += Math.log((n - i) / (i + 1));
  }
  return Math.min(1, total);
}

/**
 * Summarise paired timings.
 * @param a Times of engine A, one per pair (any unit, > 0).
 * @param b Times of engine B, same length and unit.
 * @throws Error when the lengths differ, there is no pair, or a time is not a positive finite
 *   number.
 */
export function summarizePairedRatios(a: number[], b: number[]): PairedRatioSummary {
  if (a.length !== b.length || a.length === 0) {
    throw new Error(
      `summarizePairedRatios: expected two equal, non-empty lists of times, got ${a.length} and ${b.length}`,
    );
  }
  const bad = [...a, ...b].find((t) => !(Number.isFinite(t) && t > 0));
  if (bad !== undefined) {
    throw new Error(`summarizePairedRatios: times must be positive and finite, got ${bad}`);
  }
  const ratios = a.map((t, i) => t / b[i]);
  const sorted = [...ratios].sort((x, y) => x - y);
  const n = sorted.length;
  const median = (sorted[(n - 1) >> 1] + sorted[n >> 1]) / 2;
  let k = 0;
  while (k + 1 <= n && binomialHalfCdf(n, k) <= 0.025) k++;
  const aFaster = ratios.filter((r) => r < 1).length;
  return {
    pairs: n,
    median,
    ci95: k >= 1 ? [sorted[k - 1], sorted[n - k]] : null,
    aFaster,
    signTestP: aFaster === 0 ? 1 : 1 - binomialHalfCdf(n, aFaster - 1),
    ratios,
  };
}
