/**
 * Figures of merit per view, per side and per exam, as the original `Figure_merit` notebook:
 * each projection alone, each side as the mean of its CC and MLO probabilities, and the exam as
 * the mean of all four views (row i of every view is the same subject).
 */
import { CLASS_NAMES, PROJECTIONS, type Projection } from '../model/constants';
import {
  type EvaluateOptions,
  type Evaluation,
  evaluateProbabilities,
} from './evaluateProbabilities';
import { fuseProbabilities } from './fuseProbabilities';

/** A group of rows evaluated together: one projection, one side, or the whole exam. */
export type MetricsGroup = Projection | 'right' | 'left' | 'total';

/** Order in which groups are reported. */
export const METRICS_GROUPS: readonly MetricsGroup[] = [
  'CC_R',
  'MLO_R',
  'CC_L',
  'MLO_L',
  'right',
  'left',
  'total',
];

/** Views fused into each side / the exam. */
export const GROUP_VIEWS: Readonly<Record<MetricsGroup, readonly Projection[]>> = {
  CC_R: ['CC_R'],
  MLO_R: ['MLO_R'],
  CC_L: ['CC_L'],
  MLO_L: ['MLO_L'],
  right: ['CC_R', 'MLO_R'],
  left: ['CC_L', 'MLO_L'],
  total: ['CC_R', 'MLO_R', 'CC_L', 'MLO_L'],
};

/**
 * File-name stem of a group's figures, as the original notebook names them:
 * `confusionmatrix_CCR`, `confusionmatrix_MLOR`, …, `confusionmatrix_right`, `confusionmatrix_total`.
 */
export function groupFileStem(group: MetricsGroup): string {
  return `confusionmatrix_${group.replace('_', '')}`;
}

/** Human-readable title of a group, e.g. `CC_R` → `CC right`, `total` → `exam (4 views)`. */
export function groupTitle(group: MetricsGroup): string {
  switch (group) {
    case 'right':
      return 'right side (CC_R + MLO_R)';
    case 'left':
      return 'left side (CC_L + MLO_L)';
    case 'total':
      return 'exam (4 views)';
    default:
      return group;
  }
}

/**
 * Evaluate every group the given views allow: each view, each side with both views, and the
 * exam when all four are given.
 * @param views Probability matrices by projection (n × 4 each, same n, row i = same subject).
 * @param yTrue True class indices 0–3, length n, shared by all views.
 * @param options Bootstrap settings.
 * @returns Evaluations keyed by group, in {@link METRICS_GROUPS} order.
 */
export function evaluateGroups(
  views: Partial<Record<Projection, ReadonlyArray<ArrayLike<number>>>>,
  yTrue: ArrayLike<number>,
  options: EvaluateOptions = {},
): Partial<Record<MetricsGroup, Evaluation>> {
  const given = PROJECTIONS.filter((p) => views[p] !== undefined);
  if (given.length === 0) throw new RangeError('metrics: expected at least one view, got none');
  for (const p of given) {
    const rows = views[p]!.length;
    if (rows !== yTrue.length) {
      throw new RangeError(
        `metrics: ${p} has ${rows} rows but there are ${yTrue.length} labels (${CLASS_NAMES.join('')} counts must match the rows)`,
      );
    }
  }
  const out: Partial<Record<MetricsGroup, Evaluation>> = {};
  for (const g of METRICS_GROUPS) {
    const needed = GROUP_VIEWS[g];
    if (!needed.every((p) => views[p] !== undefined)) continue;
    const probs =
      needed.length === 1 ? views[needed[0]]! : fuseProbabilities(needed.map((p) => views[p]!));
    out[g] = evaluateProbabilities(yTrue, probs, options);
  }
  return out;
}
