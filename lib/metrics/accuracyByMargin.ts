/**
 * Accuracy by distance to the nearest class boundary: where a classifier of a thresholded
 * quantity (here the dense fraction of a breast, classes cut at 0.25 / 0.5 / 0.75) makes its
 * errors. A classifier that has learned the quantity errs near the cuts and almost never far
 * from them; one that has learned something else errs anywhere.
 */

/** One distance bin of {@link accuracyByMargin}. */
export interface MarginBin {
  /** Lower edge of the distance to the nearest threshold (inclusive), in the quantity's units. */
  from: number;
  /** Upper edge (exclusive); `Infinity` for the last bin. */
  to: number;
  /** Samples in the bin. */
  count: number;
  /** Correctly classified samples in the bin. */
  correct: number;
  /** correct / count, NaN for an empty bin. */
  accuracy: number;
}

/**
 * Bin samples by their distance to the nearest threshold and count the correct ones per bin.
 * @param values The thresholded quantity per sample (e.g. dense fraction in [0, 1]); finite.
 * @param correct Whether each sample was classified correctly; same length as `values`.
 * @param thresholds Class cuts (at least one, finite), e.g. `DENSITY_THRESHOLDS`.
 * @param edges Increasing bin edges ≥ 0 starting at 0, e.g. `[0, 0.025, 0.05, 0.1]`: bins
 *   `[0, 0.025)`, `[0.025, 0.05)`, `[0.05, 0.1)`, `[0.1, ∞)`.
 * @returns One bin per edge, in order (plain data).
 * @throws RangeError for mismatched lengths, non-finite values, or edges that do not start at 0
 *   and increase.
 */
export function accuracyByMargin(
  values: ArrayLike<number>,
  correct: ArrayLike<boolean>,
  thresholds: ReadonlyArray<number>,
  edges: ReadonlyArray<number>,
): MarginBin[] {
  if (values.length !== correct.length) {
    throw new RangeError(
      `accuracyByMargin: expected as many flags as values (${values.length}), got ${correct.length}`,
    );
  }
  if (thresholds.length === 0 || !thresholds.every(Number.isFinite)) {
    throw new RangeError(`accuracyByMargin: expected finite thresholds, got [${thresholds}]`);
  }
  if (edges[0] !== 0 || edges.some((e, i) => i > 0 && !(e > edges[i - 1]))) {
    throw new RangeError(`accuracyByMargin: expected increasing edges from 0, got [${edges}]`);
  }
  const bins = edges.map((from, i) => ({
    from,
    to: edges[i + 1] ?? Infinity,
    count: 0,
    correct: 0,
  }));
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      throw new RangeError(`accuracyByMargin: value ${i} is ${v}, expected a finite number`);
    }
    const d = Math.min(...thresholds.map((t) => Math.abs(v - t)));
    let k = bins.length - 1;
    while (d < bins[k].from) k--;
    bins[k].count++;
    if (correct[i]) bins[k].correct++;
  }
  return bins.map((b) => ({ ...b, accuracy: b.count ? b.correct / b.count : NaN }));
}
