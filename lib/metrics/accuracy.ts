/**
 * Accuracy, sklearn's `accuracy_score`.
 */
import { sum, trace } from 'mathjs';
import { type ConfusionMatrix, checkConfusionMatrix } from './confusionMatrix';

/**
 * Fraction of samples on the diagonal: trace(cm) / sum(cm).
 * @param cm Confusion matrix (rows truth, columns prediction).
 * @returns Accuracy in [0, 1].
 * @throws RangeError for an empty matrix (no samples).
 */
export function accuracyFromConfusion(cm: ConfusionMatrix): number {
  checkConfusionMatrix(cm);
  const n = sum(cm) as number;
  if (n === 0) throw new RangeError('accuracy: expected at least one sample, got 0');
  return (trace(cm) as number) / n;
}
