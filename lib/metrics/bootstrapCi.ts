/**
 * Percentile bootstrap confidence intervals for accuracy and Cohen's kappa, resampling subjects
 * with replacement (B. Efron, R. Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13).
 * When several rows belong to one subject (pass `groups`), a resample draws subjects and keeps
 * all their rows together, so correlated views do not narrow the interval. For fused (per-side
 * or per-exam) rows and for one image per subject, rows ARE subjects.
 */
import { accuracyFromConfusion } from './accuracy';
import { type KappaWeights, cohenKappa, cohenKappaUnchecked } from './cohenKappa';
import { confusionMatrix } from './confusionMatrix';
import { NUM_CLASSES, checkSameLength } from './checkLabels';
import { createRng } from '../data/createRng';

/** Options of {@link bootstrapCi}. */
export interface BootstrapOptions {
  /** Number of resamples. Default 1000. */
  resamples?: number;
  /** PRNG seed. Default 0. */
  seed?: number;
  /** Confidence level in (0, 1). Default 0.95. */
  level?: number;
  /** Subject id of each row (rows with the same id are resampled together). Default: row = subject. */
  groups?: ReadonlyArray<string | number>;
}

/** A point estimate with its interval. */
export interface Interval {
  /** Value on the full sample. */
  estimate: number;
  /** Lower bound (percentile (1 − level)/2 of the resampled values). */
  low: number;
  /** Upper bound (percentile (1 + level)/2). */
  high: number;
  /** Resamples with a defined value (kappa is NaN when a resample has one class only). */
  valid: number;
}

/** Bootstrap intervals. */
export interface BootstrapResult {
  /** Accuracy. */
  accuracy: Interval;
  /** Unweighted Cohen's kappa. */
  kappa: Interval;
  /** Linear-weighted kappa. */
  kappaLinear: Interval;
  /** Quadratic-weighted kappa. */
  kappaQuadratic: Interval;
  /** Resamples drawn. */
  resamples: number;
  /** Number of subjects (resampling units). */
  subjects: number;
  /** Confidence level. */
  level: number;
  /** Seed used. */
  seed: number;
}

/**
 * Percentile of sorted values with linear interpolation (numpy's default `method='linear'`).
 * @param sorted Ascending values (no NaN).
 * @param q Fraction in [0, 1].
 */
export function percentileLinear(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function interval(estimate: number, values: number[], level: number): Interval {
  const finite = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return {
    estimate,
    low: percentileLinear(finite, (1 - level) / 2),
    high: percentileLinear(finite, (1 + level) / 2),
    valid: finite.length,
  };
}

/**
 * Bootstrap 95 % (or `level`) intervals of accuracy and kappa.
 * @param yTrue True class indices 0–3, length n ≥ 1.
 * @param yPred Predicted class indices 0–3, length n.
 * @param options Resamples, seed, level, subject ids.
 * @returns Estimates and percentile intervals; the same seed gives the same result.
 */
export function bootstrapCi(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  options: BootstrapOptions = {},
): BootstrapResult {
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 0;
  const level = options.level ?? 0.95;
  checkSameLength(yTrue, yPred, 'bootstrap: yTrue and yPred');
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`bootstrap: expected resamples >= 1, got ${resamples}`);
  }
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`bootstrap: expected a level in (0, 1), got ${level}`);
  }
  // Rows of each subject, in first-seen order.
  const bySubject = new Map<string | number, number[]>();
  const groups = options.groups;
  if (groups) checkSameLength(groups, yTrue, 'bootstrap: groups and labels');
  for (let i = 0; i < yTrue.length; i++) {
    const key = groups ? groups[i] : i;
    const rows = bySubject.get(key);
    if (rows) rows.push(i);
    else bySubject.set(key, [i]);
  }
  const units = [...bySubject.values()];
  if (units.length === 0) throw new RangeError('bootstrap: expected at least one sample, got 0');

  const full = confusionMatrix(yTrue, yPred);
  // The seed is the raw mulberry32 state (not hashed), as in every committed metrics output.
  const random = createRng(seed, { rawState: true }).next;
  const acc: number[] = [];
  const kappas: Record<KappaWeights, number[]> = { none: [], linear: [], quadratic: [] };
  for (let b = 0; b < resamples; b++) {
    const cm = Array.from({ length: NUM_CLASSES }, () => new Array<number>(NUM_CLASSES).fill(0));
    let drawn = 0;
    for (let u = 0; u < units.length; u++) {
      for (const i of units[Math.floor(random() * units.length)]) {
        cm[yTrue[i]][yPred[i]] += 1;
        drawn += 1;
      }
    }
    let correct = 0;
    for (let c = 0; c < NUM_CLASSES; c++) correct += cm[c][c];
    acc.push(correct / drawn);
    for (const w of ['none', 'linear', 'quadratic'] as const) {
      kappas[w].push(cohenKappaUnchecked(cm, w));
    }
  }
  return {
    accuracy: interval(accuracyFromConfusion(full), acc, level),
    kappa: interval(cohenKappa(full, 'none'), kappas.none, level),
    kappaLinear: interval(cohenKappa(full, 'linear'), kappas.linear, level),
    kappaQuadratic: interval(cohenKappa(full, 'quadratic'), kappas.quadratic, level),
    resamples,
    subjects: units.length,
    level,
    seed,
  };
}
