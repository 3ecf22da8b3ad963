/**
 * Input checks shared by the metrics: label vectors and probability matrices.
 */
import { CLASS_NAMES } from '../model/constants';

/** Number of density classes (A B C D). */
export const NUM_CLASSES = CLASS_NAMES.length;

/**
 * Check that `labels` holds whole class indices in `[0, numClasses)`.
 * @param labels Class indices (0 = A … 3 = D).
 * @param name Name used in the message, e.g. `yTrue`.
 * @param numClasses Number of classes. Default 4.
 * @throws RangeError naming the first bad entry.
 */
export function checkLabels(
  labels: ArrayLike<number>,
  name: string,
  numClasses: number = NUM_CLASSES,
): void {
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new RangeError(
        `${name}[${i}]: expected a class index from 0 to ${numClasses - 1}, got ${v}`,
      );
    }
  }
}

/**
 * Check that two label vectors have the same length.
 * @throws RangeError with both lengths.
 */
export function checkSameLength(a: ArrayLike<unknown>, b: ArrayLike<unknown>, what: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${what}: expected the same length, got ${a.length} and ${b.length}`);
  }
}

/**
 * Check a probability matrix: `n` rows of `numClasses` finite numbers.
 * (Range and row sums are checked when files are read, see `readPredictionFile`.)
 * @param probs Rows of class probabilities.
 * @param name Name used in the message.
 * @throws RangeError naming the first bad row.
 */
export function checkProbabilityRows(
  probs: ReadonlyArray<ArrayLike<number>>,
  name: string,
  numClasses: number = NUM_CLASSES,
): void {
  probs.forEach((row, i) => {
    if (row.length !== numClasses) {
      throw new RangeError(`${name} row ${i}: expected ${numClasses} columns, got ${row.length}`);
    }
    for (let j = 0; j < row.length; j++) {
      if (!Number.isFinite(row[j])) {
        throw new RangeError(`${name} row ${i}: expected finite numbers, got ${row[j]}`);
      }
    }
  });
}

/**
 * Class indices from class letters.
 * @param letters e.g. `['A', 'C', 'D']` (case-insensitive).
 * @returns Indices 0–3.
 * @throws RangeError naming the first letter that is not A, B, C or D.
 */
export function classIndices(letters: ReadonlyArray<string>): number[] {
  return letters.map((l, i) => {
    const k = (CLASS_NAMES as readonly string[]).indexOf(l.trim().toUpperCase());
    if (k < 0) throw new RangeError(`label ${i}: expected one of A B C D, got "${l}"`);
    return k;
  });
}

/**
 * Labels in row order from class counts, the way the original notebook states its test set:
 * `[14, 51, 50, 13]` → 14 × A, then 51 × B, 50 × C, 13 × D.
 * @param counts Non-negative whole numbers, one per class.
 * @returns Class indices, length `sum(counts)`.
 */
export function labelsFromCounts(counts: ReadonlyArray<number>): number[] {
  if (counts.length !== NUM_CLASSES || counts.some((c) => !Number.isInteger(c) || c < 0)) {
    throw new RangeError(
      `class counts: expected ${NUM_CLASSES} whole numbers >= 0, got ${counts.join(',')}`,
    );
  }
  return counts.flatMap((c, k) => new Array<number>(c).fill(k));
}
