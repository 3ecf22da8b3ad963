/**
 * Cohen's kappa, sklearn's `cohen_kappa_score(y1, y2, labels=[0, 1, 2, 3], weights=…)`.
 *
 * J. Cohen, "A coefficient of agreement for nominal scales", Educ. Psychol. Meas. 20 (1960) 37–46;
 * weighted: J. Cohen, "Weighted kappa", Psychol. Bull. 70 (1968) 213–220.
 *
 * κ = 1 − Σ w_ij O_ij / Σ w_ij E_ij, with O the confusion matrix, E_ij = (row_i · col_j) / n the
 * counts expected by chance, and disagreement weights w_ij = [i ≠ j] (unweighted), |i − j|
 * (linear) or (i − j)² (quadratic). Density classes are ordered, so the weighted forms count an
 * A↔D error more than an A↔B one; that is why density studies report them.
 */
import { dotMultiply, multiply, sum } from 'mathjs';
import { type ConfusionMatrix, checkConfusionMatrix, columnSums, rowSums } from './confusionMatrix';

/** Kappa weighting: `none` (plain Cohen's kappa), `linear`, or `quadratic`. */
export type KappaWeights = 'none' | 'linear' | 'quadratic';

/**
 * Disagreement weight matrix for `k` ordered classes.
 * @returns k × k weights: 0 on the diagonal.
 */
export function kappaWeightMatrix(k: number, weights: KappaWeights): number[][] {
  return Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => {
      if (weights === 'none') return i === j ? 0 : 1;
      if (weights === 'linear') return Math.abs(i - j);
      return (i - j) * (i - j);
    }),
  );
}

/**
 * Cohen's kappa from a confusion matrix.
 * @param cm Confusion matrix (rows truth, columns prediction), at least one sample.
 * @param weights `none`, `linear` or `quadratic`.
 * @returns κ in [−1, 1]; NaN when chance disagreement is 0 (e.g. every sample true AND
 *   predicted as one class), where sklearn also returns NaN.
 */
export function cohenKappa(cm: ConfusionMatrix, weights: KappaWeights = 'none'): number {
  checkConfusionMatrix(cm);
  const n = sum(cm) as number;
  if (n === 0) throw new RangeError('kappa: expected at least one sample, got 0');
  const k = cm.length;
  const expected = multiply(
    rowSums(cm).map((r) => [r / n]),
    [columnSums(cm)],
  ) as number[][];
  const w = kappaWeightMatrix(k, weights);
  const observed = sum(dotMultiply(w, cm)) as number;
  const chance = sum(dotMultiply(w, expected)) as number;
  if (chance === 0) return NaN;
  return 1 - observed / chance;
}

/**
 * The same κ as {@link cohenKappa} with plain loops and no input checks, for inner loops that
 * evaluate thousands of resampled matrices (the bootstrap); mathjs' dispatch costs ~1 ms a call.
 * @param cm Square matrix of counts with at least one sample (not checked).
 * @param weights `none`, `linear` or `quadratic`.
 */
export function cohenKappaUnchecked(cm: number[][], weights: KappaWeights): number {
  const k = cm.length;
  const rows = new Array<number>(k).fill(0);
  const cols = new Array<number>(k).fill(0);
  let n = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      rows[i] += cm[i][j];
      cols[j] += cm[i][j];
      n += cm[i][j];
    }
  }
  let observed = 0;
  let chance = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const d = i - j;
      const w = weights === 'none' ? (d === 0 ? 0 : 1) : weights === 'linear' ? Math.abs(d) : d * d;
      observed += w * cm[i][j];
      chance += (w * rows[i] * cols[j]) / n;
    }
  }
  return chance === 0 ? NaN : 1 - observed / chance;
}
