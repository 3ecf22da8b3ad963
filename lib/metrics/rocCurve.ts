/**
 * Receiver operating characteristic curves and the area under them, as sklearn's `roc_curve`
 * (with `drop_intermediate=True`) and `roc_auc_score`. One threshold per distinct score, so tied
 * scores make one diagonal step (AUC counts a tie as half a correctly ordered pair, the
 * Mann–Whitney convention). T. Fawcett, "An introduction to ROC analysis", Pattern Recognit.
 * Lett. 27 (2006) 861–874.
 */

/** One ROC curve. */
export interface RocCurve {
  /** False-positive rates, non-decreasing, from 0 to 1. */
  fpr: number[];
  /** True-positive rates, non-decreasing, from 0 to 1. */
  tpr: number[];
  /** Score thresholds, decreasing; the first is +Infinity (the (0, 0) point). */
  thresholds: number[];
}

/**
 * ROC curve of a binary problem.
 * @param positive `true` (or 1) where the sample belongs to the positive class, length n.
 * @param scores Score of the positive class (e.g. its probability), length n, finite.
 * @param options `dropIntermediate` (default true) removes collinear points, like sklearn.
 * @returns The curve; `fpr` (or `tpr`) is all NaN when there is no negative (or positive)
 *   sample, as in sklearn.
 */
export function rocCurve(
  positive: ArrayLike<boolean | number>,
  scores: ArrayLike<number>,
  options: { dropIntermediate?: boolean } = {},
): RocCurve {
  const n = positive.length;
  if (scores.length !== n) {
    throw new RangeError(`roc: expected as many scores as labels, got ${scores.length} and ${n}`);
  }
  if (n === 0) throw new RangeError('roc: expected at least one sample, got 0');
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(scores[i])) {
      throw new RangeError(`roc: score ${i}: expected a finite number, got ${scores[i]}`);
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let fps: number[] = [];
  let tps: number[] = [];
  let thresholds: number[] = [];
  let tp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r];
    if (positive[i]) tp += 1;
    if (r === n - 1 || scores[order[r + 1]] !== scores[i]) {
      tps.push(tp);
      fps.push(r + 1 - tp);
      thresholds.push(scores[i]);
    }
  }
  if ((options.dropIntermediate ?? true) && fps.length > 2) {
    const keep = fps.map(
      (_, k) =>
        k === 0 ||
        k === fps.length - 1 ||
        fps[k + 1] - 2 * fps[k] + fps[k - 1] !== 0 ||
        tps[k + 1] - 2 * tps[k] + tps[k - 1] !== 0,
    );
    fps = fps.filter((_, k) => keep[k]);
    tps = tps.filter((_, k) => keep[k]);
    thresholds = thresholds.filter((_, k) => keep[k]);
  }
  fps.unshift(0);
  tps.unshift(0);
  thresholds.unshift(Infinity);
  const fMax = fps[fps.length - 1];
  const tMax = tps[tps.length - 1];
  return {
    fpr: fps.map((v) => (fMax > 0 ? v / fMax : NaN)),
    tpr: tps.map((v) => (tMax > 0 ? v / tMax : NaN)),
    thresholds,
  };
}

/**
 * Area under a curve by the trapezoidal rule (sklearn's `auc`), `x` monotonic.
 * @returns The area (NaN if any point is NaN).
 */
export function trapezoidArea(x: number[], y: number[]): number {
  if (x.length !== y.length || x.length < 2) {
    throw new RangeError(
      `auc: expected x and y of equal length >= 2, got ${x.length} and ${y.length}`,
    );
  }
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return area;
}

/**
 * Binary ROC AUC (sklearn `roc_auc_score` on binary labels).
 * @returns AUC in [0, 1]; NaN when only one class is present (sklearn raises or returns NaN,
 *   depending on the version: the AUC is undefined).
 */
export function rocAuc(positive: ArrayLike<boolean | number>, scores: ArrayLike<number>): number {
  const c = rocCurve(positive, scores);
  return trapezoidArea(c.fpr, c.tpr);
}

/** One-vs-rest ROC of every class. */
export interface OvrRoc {
  /** Curve of each class (class vs all others), class order A B C D. */
  curves: RocCurve[];
  /** AUC of each class; NaN for a class absent from the truth (or the only class present). */
  auc: number[];
  /** Unweighted mean of `auc` (sklearn `multi_class='ovr', average='macro'`); NaN if any is NaN. */
  macro: number;
}

/**
 * One-vs-rest ROC curves and AUCs from class probabilities, sklearn's
 * `roc_auc_score(y_true, probs, multi_class='ovr', average='macro', labels=[0, 1, 2, 3])`.
 * @param yTrue True class indices, length n.
 * @param probs n rows of class probabilities (each row sums to about 1).
 */
export function rocOneVsRest(
  yTrue: ArrayLike<number>,
  probs: ReadonlyArray<ArrayLike<number>>,
): OvrRoc {
  if (probs.length !== yTrue.length) {
    throw new RangeError(
      `roc: expected one probability row per label, got ${probs.length} rows and ${yTrue.length} labels`,
    );
  }
  if (probs.length === 0) throw new RangeError('roc: expected at least one sample, got 0');
  const k = probs[0].length;
  const curves: RocCurve[] = [];
  const auc: number[] = [];
  for (let c = 0; c < k; c++) {
    const positive = Array.from(yTrue, (y) => y === c);
    const scores = probs.map((row) => row[c]);
    const curve = rocCurve(positive, scores);
    curves.push(curve);
    auc.push(trapezoidArea(curve.fpr, curve.tpr));
  }
  return { curves, auc, macro: auc.reduce((a, b) => a + b, 0) / k };
}
