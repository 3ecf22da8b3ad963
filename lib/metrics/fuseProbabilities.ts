/**
 * Fusion of several views of the same subjects, as the original `Figure_merit` notebook does:
 * the row-by-row mean of the class probabilities (per side: CC and MLO; per exam: all four).
 */
import { mean } from 'mathjs';

/**
 * Row-wise mean of probability matrices.
 * @param views Two or more n × k probability matrices whose row i is the same subject.
 * @returns n × k matrix: out[i][c] = mean over views of views[v][i][c] (rows still sum to ~1).
 * @throws RangeError when the views differ in row or column count.
 */
export function fuseProbabilities(
  views: ReadonlyArray<ReadonlyArray<ArrayLike<number>>>,
): number[][] {
  if (views.length === 0) throw new RangeError('fusion: expected at least one view, got none');
  const n = views[0].length;
  views.forEach((v, i) => {
    if (v.length !== n) {
      throw new RangeError(`fusion: view ${i} has ${v.length} rows, expected ${n} like view 0`);
    }
  });
  return Array.from({ length: n }, (_, r) => {
    const k = views[0][r].length;
    const rows = views.map((v, i) => {
      if (v[r].length !== k) {
        throw new RangeError(
          `fusion: view ${i} row ${r} has ${v[r].length} columns, expected ${k}`,
        );
      }
      return Array.from(v[r]);
    });
    return mean(rows, 0) as unknown as number[];
  });
}
