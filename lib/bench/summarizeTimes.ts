/**
 * Robust summaries of repeated timings: the median and the spread (min, max, and the
 * interquartile range), as the benchmark reports them.
 */

/** Summary of repeated timings (milliseconds, or any unit). */
export interface TimeSummary {
  /** Median of the runs (the mean of the two middle runs for an even count). */
  median: number;
  /** Fastest run. */
  min: number;
  /** Slowest run. */
  max: number;
  /** Interquartile range (linear interpolation between order statistics). */
  iqr: number;
  /** The runs, in the order measured. */
  runs: number[];
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Summarise timings.
 * @param runs At least one finite value.
 * @throws Error when `runs` is empty or holds a non-finite value.
 */
export function summarizeTimes(runs: number[]): TimeSummary {
  if (runs.length === 0 || runs.some((r) => !Number.isFinite(r))) {
    throw new Error(`summarizeTimes: expected at least one finite time, got [${runs.join(', ')}]`);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    iqr: quantile(sorted, 0.75) - quantile(sorted, 0.25),
    runs: [...runs],
  };
}
