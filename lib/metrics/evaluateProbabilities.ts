/**
 * Every figure of merit of one set of predictions (one view, one side or one exam): the numbers
 * the `metrics` command prints and the FigureMerit notebook shows.
 */
import { accuracyFromConfusion } from './accuracy';
import { argmaxRows } from './argmaxRows';
import { type BootstrapOptions, type BootstrapResult, bootstrapCi } from './bootstrapCi';
import { checkLabels, checkProbabilityRows } from './checkLabels';
import { cohenKappa } from './cohenKappa';
import { type ConfusionMatrix, confusionMatrix } from './confusionMatrix';
import { type DenseSplit, denseSplit } from './denseSplit';
import { type ClassificationScores, classificationScores } from './precisionRecallF1';
import { type OvrRoc, rocOneVsRest } from './rocCurve';

/** Figures of merit of one prediction set. */
export interface Evaluation {
  /** Number of rows (images or fused subjects). */
  n: number;
  /** Predicted class of each row (argmax of the probabilities), 0–3. */
  predicted: number[];
  /** 4 × 4 counts, rows truth A–D, columns prediction A–D. */
  confusion: ConfusionMatrix;
  /** Fraction correct, [0, 1]. */
  accuracy: number;
  /** Per-class precision/recall/F1/support and macro and weighted averages (sklearn conventions). */
  scores: ClassificationScores;
  /** Unweighted Cohen's kappa. */
  kappa: number;
  /** Linear-weighted kappa. */
  kappaLinear: number;
  /** Quadratic-weighted kappa. */
  kappaQuadratic: number;
  /** One-vs-rest ROC curves and AUCs. */
  roc: OvrRoc;
  /** Dense (C+D) vs non-dense (A+B). */
  dense: DenseSplit;
  /** Bootstrap intervals (absent when disabled). */
  ci?: BootstrapResult;
}

/** Options of {@link evaluateProbabilities}. */
export interface EvaluateOptions {
  /** Bootstrap options, or `false` to skip the intervals. Default: 1000 resamples, seed 0. */
  bootstrap?: BootstrapOptions | false;
}

/**
 * Compute every figure of merit from true classes and class probabilities.
 * @param yTrue True class indices 0–3, length n ≥ 1.
 * @param probs n rows of 4 probabilities (columns A B C D).
 * @param options Bootstrap settings.
 */
export function evaluateProbabilities(
  yTrue: ArrayLike<number>,
  probs: ReadonlyArray<ArrayLike<number>>,
  options: EvaluateOptions = {},
): Evaluation {
  checkLabels(yTrue, 'yTrue');
  checkProbabilityRows(probs, 'probabilities');
  if (probs.length !== yTrue.length) {
    throw new RangeError(
      `evaluate: expected one label per probability row, got ${yTrue.length} labels and ${probs.length} rows`,
    );
  }
  if (probs.length === 0) throw new RangeError('evaluate: expected at least one row, got 0');
  const predicted = argmaxRows(probs);
  const cm = confusionMatrix(yTrue, predicted);
  return {
    n: probs.length,
    predicted,
    confusion: cm,
    accuracy: accuracyFromConfusion(cm),
    scores: classificationScores(cm),
    kappa: cohenKappa(cm, 'none'),
    kappaLinear: cohenKappa(cm, 'linear'),
    kappaQuadratic: cohenKappa(cm, 'quadratic'),
    roc: rocOneVsRest(yTrue, probs),
    dense: denseSplit(cm),
    ...(options.bootstrap === false
      ? {}
      : { ci: bootstrapCi(yTrue, predicted, options.bootstrap ?? {}) }),
  };
}
