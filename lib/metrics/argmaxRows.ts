/**
 * Predicted class from probabilities: the index of the largest value of each row (the first one
 * on ties, like numpy's `argmax`).
 */

/**
 * Row-wise argmax.
 * @param probs n rows of k numbers.
 * @returns n class indices in [0, k).
 */
export function argmaxRows(probs: ReadonlyArray<ArrayLike<number>>): number[] {
  return probs.map((row, i) => {
    if (row.length === 0) throw new RangeError(`argmax: row ${i} is empty`);
    let best = 0;
    for (let j = 1; j < row.length; j++) if (row[j] > row[best]) best = j;
    return best;
  });
}
