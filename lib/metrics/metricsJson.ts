/**
 * The JSON summary printed by `breast-density metrics --json` (snake_case keys, plain numbers;
 * undefined values such as the AUC of a class absent from the truth become `null`).
 */
import { CLASS_NAMES } from '../model/constants';
import type { Evaluation } from './evaluateProbabilities';
import type { Interval } from './bootstrapCi';

/** One group's JSON summary. */
export interface MetricsJson {
  n: number;
  accuracy: number;
  recall_macro: number;
  precision_macro: number;
  f1_macro: number;
  kappa_linear: number | null;
  kappa_quadratic: number | null;
  auc_ovr_macro: number | null;
  confusion: number[][];
  recall_weighted: number;
  precision_weighted: number;
  f1_weighted: number;
  kappa: number | null;
  per_class: Record<
    string,
    { precision: number; recall: number; f1: number; support: number; auc: number | null }
  >;
  dense_vs_nondense: {
    sensitivity: number;
    specificity: number;
    accuracy: number;
    tp: number;
    fn: number;
    fp: number;
    tn: number;
  };
  ci95?: Record<
    'accuracy' | 'kappa' | 'kappa_linear' | 'kappa_quadratic',
    [number | null, number | null]
  > & {
    resamples: number;
    seed: number;
  };
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function bounds(i: Interval): [number | null, number | null] {
  return [finiteOrNull(i.low), finiteOrNull(i.high)];
}

/**
 * JSON summary of one evaluation: first the keys the issue specifies (`n`, `accuracy`,
 * `recall_macro`, `precision_macro`, `f1_macro`, `kappa_linear`, `kappa_quadratic`,
 * `auc_ovr_macro`, `confusion`), then weighted averages, plain kappa, per-class scores, the
 * dense split and the bootstrap intervals.
 */
export function metricsJson(e: Evaluation): MetricsJson {
  const s = e.scores;
  const out: MetricsJson = {
    n: e.n,
    accuracy: e.accuracy,
    recall_macro: s.recallAvg.macro,
    precision_macro: s.precisionAvg.macro,
    f1_macro: s.f1Avg.macro,
    kappa_linear: finiteOrNull(e.kappaLinear),
    kappa_quadratic: finiteOrNull(e.kappaQuadratic),
    auc_ovr_macro: finiteOrNull(e.roc.macro),
    confusion: e.confusion.map((r) => [...r]),
    recall_weighted: s.recallAvg.weighted,
    precision_weighted: s.precisionAvg.weighted,
    f1_weighted: s.f1Avg.weighted,
    kappa: finiteOrNull(e.kappa),
    per_class: Object.fromEntries(
      CLASS_NAMES.map((c, k) => [
        c,
        {
          precision: s.precision[k],
          recall: s.recall[k],
          f1: s.f1[k],
          support: s.support[k],
          auc: finiteOrNull(e.roc.auc[k]),
        },
      ]),
    ),
    dense_vs_nondense: { ...e.dense },
  };
  if (e.ci) {
    out.ci95 = {
      accuracy: bounds(e.ci.accuracy),
      kappa: bounds(e.ci.kappa),
      kappa_linear: bounds(e.ci.kappaLinear),
      kappa_quadratic: bounds(e.ci.kappaQuadratic),
      resamples: e.ci.resamples,
      seed: e.ci.seed,
    };
  }
  return out;
}

/**
 * JSON text of metrics summaries with 2-space indentation and arrays of numbers kept on one line
 * (`"confusion": [[12, 2, 0, 0], …]` rows readable at a glance). Same data as `JSON.stringify`.
 * @param value Any JSON-serialisable value (e.g. `{group: metricsJson(e)}`).
 * @returns The text, ending with a newline.
 */
export function formatMetricsJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2).replace(
    /\[\s*((?:-?[\d.eE+-]+|null)(?:,\s*(?:-?[\d.eE+-]+|null))*)\s*\]/g,
    (_, inner: string) => `[${inner.split(/,\s*/).join(', ')}]`,
  );
  return `${text.replace(/\[\s*(\[[^\]]*\](?:,\s*\[[^\]]*\])*)\s*\]/g, (_, rows: string) => `[${rows.split(/\],\s*\[/).join('], [')}]`)}\n`;
}
