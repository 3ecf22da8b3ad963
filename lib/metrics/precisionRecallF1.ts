/**
 * Per-class precision, recall and F1 and their macro and weighted averages, with the conventions
 * of sklearn's `precision_recall_fscore_support(y_true, y_pred, labels=[0, 1, 2, 3])`
 * (scikit-learn ≥ 1.3, default `zero_division`):
 *
 * - precision_k = TP_k / (TP_k + FP_k); a class never predicted has precision 0;
 * - recall_k = TP_k / (TP_k + FN_k); a class absent from the truth has recall 0;
 * - F1_k = 2 TP_k / (2 TP_k + FP_k + FN_k) (the harmonic mean of precision and recall), 0 when
 *   the class is neither true nor predicted;
 * - macro average: unweighted mean over ALL classes, including absent ones (the labels are given
 *   explicitly, so sklearn averages their zeros in too);
 * - weighted average: mean weighted by support (true count), 0 when there are no samples.
 */
import { diag } from 'mathjs';
import { type ConfusionMatrix, checkConfusionMatrix, columnSums, rowSums } from './confusionMatrix';

/** Per-class scores, arrays in class order (A B C D). */
export interface PerClassScores {
  /** TP / (TP + FP), in [0, 1]. */
  precision: number[];
  /** TP / (TP + FN), in [0, 1]. */
  recall: number[];
  /** 2 TP / (2 TP + FP + FN), in [0, 1]. */
  f1: number[];
  /** Number of true samples of the class. */
  support: number[];
}

/** Macro and weighted averages of one score. */
export interface AveragedScore {
  /** Unweighted mean over all classes. */
  macro: number;
  /** Mean weighted by support. */
  weighted: number;
}

/** Per-class scores and their averages. */
export interface ClassificationScores extends PerClassScores {
  /** Averages of precision. */
  precisionAvg: AveragedScore;
  /** Averages of recall. */
  recallAvg: AveragedScore;
  /** Averages of F1. */
  f1Avg: AveragedScore;
}

function divideOrZero(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

/**
 * Precision, recall, F1 and support of every class.
 * @param cm Confusion matrix (rows truth, columns prediction).
 */
export function perClassScores(cm: ConfusionMatrix): PerClassScores {
  checkConfusionMatrix(cm);
  const tp = diag(cm) as unknown as number[];
  const predicted = columnSums(cm);
  const support = rowSums(cm);
  return {
    precision: tp.map((t, k) => divideOrZero(t, predicted[k])),
    recall: tp.map((t, k) => divideOrZero(t, support[k])),
    f1: tp.map((t, k) => divideOrZero(2 * t, support[k] + predicted[k])),
    support,
  };
}

/**
 * Macro (plain mean) and support-weighted averages of a per-class score.
 * @param values One score per class.
 * @param support True count per class (weights of the weighted average).
 */
export function averageScores(values: number[], support: number[]): AveragedScore {
  const total = support.reduce((a, b) => a + b, 0);
  return {
    macro: values.reduce((a, b) => a + b, 0) / values.length,
    weighted: divideOrZero(
      values.reduce((a, v, k) => a + v * support[k], 0),
      total,
    ),
  };
}

/**
 * Per-class precision/recall/F1 with macro and weighted averages (sklearn conventions, see the
 * file header).
 * @param cm Confusion matrix (rows truth, columns prediction).
 */
export function classificationScores(cm: ConfusionMatrix): ClassificationScores {
  const s = perClassScores(cm);
  return {
    ...s,
    precisionAvg: averageScores(s.precision, s.support),
    recallAvg: averageScores(s.recall, s.support),
    f1Avg: averageScores(s.f1, s.support),
  };
}
