/**
 * Confusion matrix, sklearn's `confusion_matrix(y_true, y_pred, labels=[0, 1, 2, 3])`.
 */
import { sum } from 'mathjs';
import { NUM_CLASSES, checkLabels, checkSameLength } from './checkLabels';

/**
 * A square matrix of counts: `cm[i][j]` = number of samples of true class `i` predicted as `j`
 * (rows truth, columns prediction, class order A B C D).
 */
export type ConfusionMatrix = number[][];

/**
 * Count true/predicted class pairs.
 * @param yTrue True class indices, length n, values 0…numClasses−1.
 * @param yPred Predicted class indices, length n.
 * @param numClasses Matrix size (always 4 for density; every class gets a row and a column,
 *   also when absent from both vectors, like sklearn with `labels` given).
 * @returns `numClasses × numClasses` counts, rows = truth, columns = prediction.
 */
export function confusionMatrix(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  numClasses: number = NUM_CLASSES,
): ConfusionMatrix {
  checkSameLength(yTrue, yPred, 'yTrue and yPred');
  checkLabels(yTrue, 'yTrue', numClasses);
  checkLabels(yPred, 'yPred', numClasses);
  const cm = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) cm[yTrue[i]][yPred[i]] += 1;
  return cm;
}

/**
 * Check that `cm` is a square matrix of non-negative whole numbers.
 * @throws RangeError saying what is wrong.
 */
export function checkConfusionMatrix(cm: ConfusionMatrix): void {
  const k = cm.length;
  if (k === 0) throw new RangeError('confusion matrix: expected at least one class, got none');
  cm.forEach((row, i) => {
    if (row.length !== k) {
      throw new RangeError(`confusion matrix row ${i}: expected ${k} columns, got ${row.length}`);
    }
    row.forEach((v, j) => {
      if (!Number.isInteger(v) || v < 0) {
        throw new RangeError(`confusion matrix [${i}][${j}]: expected a count >= 0, got ${v}`);
      }
    });
  });
}

/**
 * Row sums (support of each true class).
 * @returns length-k counts.
 */
export function rowSums(cm: ConfusionMatrix): number[] {
  return sum(cm, 1) as unknown as number[];
}

/**
 * Column sums (how often each class was predicted).
 * @returns length-k counts.
 */
export function columnSums(cm: ConfusionMatrix): number[] {
  return sum(cm, 0) as unknown as number[];
}

/**
 * Row-normalised confusion matrix (sklearn `normalize='true'`): each row divided by its sum, so
 * `out[i][j]` is the fraction of true class `i` predicted as `j`, in [0, 1]. Rows of a class
 * absent from the truth are all 0 (sklearn gives NaN there; 0 is what a plot should show).
 */
export function normalizeRows(cm: ConfusionMatrix): number[][] {
  const rs = rowSums(cm);
  return cm.map((row, i) => row.map((v) => (rs[i] > 0 ? v / rs[i] : 0)));
}
