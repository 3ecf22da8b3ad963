/**
 * Plain-text report of evaluations: one block per group (figures of merit, confusion matrix,
 * per-class scores) and a summary table, as `breast-density metrics` prints it.
 */
import { CLASS_NAMES } from '../model/constants';
import type { Interval } from './bootstrapCi';
import { type MetricsGroup, METRICS_GROUPS, groupTitle } from './evaluateGroups';
import type { Evaluation } from './evaluateProbabilities';

function f(v: number, digits = 3): string {
  return Number.isFinite(v) ? v.toFixed(digits) : 'n/a';
}

function withCi(v: number, iv: Interval | undefined): string {
  if (!iv || !Number.isFinite(iv.low)) return f(v);
  return `${f(v)} [${f(iv.low)}, ${f(iv.high)}]`;
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

/**
 * Text block of one evaluation.
 * @param title Heading, e.g. `CC_R`.
 * @param e The evaluation.
 * @param source Optional line saying where the rows came from.
 */
export function formatEvaluation(title: string, e: Evaluation, source?: string): string {
  const s = e.scores;
  const ci = e.ci;
  const level = ci ? `${Math.round(ci.level * 100)}% CI` : '';
  const lines = [
    `== ${title} (n = ${e.n})${source ? `  ${source}` : ''}`,
    `accuracy          ${withCi(e.accuracy, ci?.accuracy)}${ci ? `   (${level}, ${ci.resamples} bootstrap resamples of ${ci.subjects} subjects, seed ${ci.seed})` : ''}`,
    `recall    macro   ${f(s.recallAvg.macro)}   weighted ${f(s.recallAvg.weighted)}`,
    `precision macro   ${f(s.precisionAvg.macro)}   weighted ${f(s.precisionAvg.weighted)}`,
    `F1        macro   ${f(s.f1Avg.macro)}   weighted ${f(s.f1Avg.weighted)}`,
    `kappa             ${withCi(e.kappa, ci?.kappa)}`,
    `kappa linear      ${withCi(e.kappaLinear, ci?.kappaLinear)}`,
    `kappa quadratic   ${withCi(e.kappaQuadratic, ci?.kappaQuadratic)}`,
    `AUC (OvR, macro)  ${f(e.roc.macro)}`,
    `dense (C+D) vs non-dense (A+B): sensitivity ${f(e.dense.sensitivity)}  specificity ${f(e.dense.specificity)}  accuracy ${f(e.dense.accuracy)}`,
    '',
    `confusion matrix (rows: true class, columns: predicted)    per class:`,
    `${pad('', 6)}${CLASS_NAMES.map((c) => pad(c, 6, true)).join('')}    ${['precision', 'recall', 'F1', 'support', 'AUC'].map((h) => pad(h, 10, true)).join('')}`,
    ...e.confusion.map(
      (row, i) =>
        `${pad(CLASS_NAMES[i], 6)}${row.map((v) => pad(String(v), 6, true)).join('')}    ${[
          f(s.precision[i]),
          f(s.recall[i]),
          f(s.f1[i]),
          String(s.support[i]),
          f(e.roc.auc[i]),
        ]
          .map((v) => pad(v, 10, true))
          .join('')}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Summary table: one line per group with n, accuracy, macro recall/precision/F1, kappas, AUC.
 */
export function formatMetricsSummary(groups: Partial<Record<MetricsGroup, Evaluation>>): string {
  const head = [
    'group',
    'n',
    'accuracy',
    'recall_M',
    'precis_M',
    'F1_M',
    'kappa',
    'kappa_lin',
    'kappa_quad',
    'AUC_ovr',
  ];
  const rows = METRICS_GROUPS.filter((g) => groups[g]).map((g) => {
    const e = groups[g]!;
    return [
      g,
      String(e.n),
      f(e.accuracy),
      f(e.scores.recallAvg.macro),
      f(e.scores.precisionAvg.macro),
      f(e.scores.f1Avg.macro),
      f(e.kappa),
      f(e.kappaLinear),
      f(e.kappaQuadratic),
      f(e.roc.macro),
    ];
  });
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (r: string[]): string => r.map((c, k) => pad(c, widths[k], k > 0)).join('  ');
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}

/**
 * The whole report: every group's block in order, then the summary table.
 * @param groups Evaluations by group (from `evaluateGroups`).
 * @param sources Optional source description per group (e.g. the file names).
 */
export function formatMetricsReport(
  groups: Partial<Record<MetricsGroup, Evaluation>>,
  sources: Partial<Record<MetricsGroup, string>> = {},
): string {
  const blocks = METRICS_GROUPS.filter((g) => groups[g]).map((g) =>
    formatEvaluation(groupTitle(g), groups[g]!, sources[g]),
  );
  return `${blocks.join('\n')}\n== summary\n${formatMetricsSummary(groups)}`;
}
