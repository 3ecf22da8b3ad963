/**
 * Dense (BI-RADS C + D) vs non-dense (A + B) binary split, the figure density studies report
 * because supplemental screening and risk models act on "dense breasts" (e.g. Lehman et al.,
 * Radiology 2019, 290:52–58; Mohamed et al., Med. Phys. 45 (2018) 314–321).
 * Positive class = dense.
 */
import { type ConfusionMatrix, checkConfusionMatrix } from './confusionMatrix';

/** Binary dense vs non-dense figures. */
export interface DenseSplit {
  /** Dense predicted dense. */
  tp: number;
  /** Dense predicted non-dense. */
  fn: number;
  /** Non-dense predicted dense. */
  fp: number;
  /** Non-dense predicted non-dense. */
  tn: number;
  /** TP / (TP + FN) in [0, 1]; 0 when there is no dense case (sklearn's zero_division). */
  sensitivity: number;
  /** TN / (TN + FP) in [0, 1]; 0 when there is no non-dense case. */
  specificity: number;
  /** (TP + TN) / n in [0, 1]. */
  accuracy: number;
}

/**
 * Collapse a 4-class confusion matrix to dense (C, D) vs non-dense (A, B).
 * @param cm 4 × 4 confusion matrix (rows truth A–D, columns prediction A–D), at least one sample.
 */
export function denseSplit(cm: ConfusionMatrix): DenseSplit {
  checkConfusionMatrix(cm);
  if (cm.length !== 4) {
    throw new RangeError(
      `dense split: expected a 4 x 4 confusion matrix, got ${cm.length} classes`,
    );
  }
  const dense = (k: number): boolean => k >= 2;
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tn = 0;
  cm.forEach((row, i) =>
    row.forEach((v, j) => {
      if (dense(i) && dense(j)) tp += v;
      else if (dense(i)) fn += v;
      else if (dense(j)) fp += v;
      else tn += v;
    }),
  );
  const n = tp + fn + fp + tn;
  if (n === 0) throw new RangeError('dense split: expected at least one sample, got 0');
  return {
    tp,
    fn,
    fp,
    tn,
    sensitivity: tp + fn === 0 ? 0 : tp / (tp + fn),
    specificity: tn + fp === 0 ? 0 : tn / (tn + fp),
    accuracy: (tp + tn) / n,
  };
}
