/**
 * Summaries of the explainability measures per projection and true class, and overall.
 */
import type { ExplainabilityMeasures } from './measureExplainability';

/** One measured image, with what it is grouped by. */
export interface ExplainabilityRecord {
  /** Projection (`CC_R`, …) or `unknown`. */
  projection: string;
  /** True class name (`A`…`D`) or `unknown`. */
  trueClass: string;
  /** The measures. */
  measures: ExplainabilityMeasures;
}

/** Summary of a group of images. NaN-valued measures are left out of the means. */
export interface ExplainabilityGroup {
  /** Projection, or `all`. */
  projection: string;
  /** True class, or `all`. */
  trueClass: string;
  /** Images in the group. */
  n: number;
  /** Mean attention ratio (1 = no preference for dense tissue). */
  attentionRatio: number;
  /** Median attention ratio. */
  attentionRatioMedian: number;
  /** Mean share of the map mass (in the breast) on dense tissue. */
  massOnDense: number;
  /** Mean dense share of the breast. */
  denseShare: number;
  /** Fraction of images whose map maximum is on dense tissue. */
  pointingHitRate: number;
  /** Images with perturbation curves. */
  nCurves: number;
  /** Mean AUCs; deletion: lower is better, insertion: higher is better. */
  auc: { deletion: number; deletionRandom: number; insertion: number; insertionRandom: number };
  /** Fraction of images whose deletion AUC is below the random order's. */
  deletionBeatsRandom: number;
  /** Fraction of images whose insertion AUC is above the random order's. */
  insertionBeatsRandom: number;
  /** Mean curves (same fractions for every image of the group), for plots; null without curves. */
  meanCurves: {
    fractions: number[];
    deletion: number[];
    deletionRandom: number[];
    insertion: number[];
    insertionRandom: number[];
  } | null;
  /** Average drop in confidence, percent (lower is better). */
  averageDropPercent: number;
  /** Share of images whose confidence increases on the explanation image, percent. */
  increasePercent: number;
}

function mean(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}

function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

function meanCurve(curves: number[][]): number[] {
  return curves[0].map((_, i) => mean(curves.map((c) => c[i])));
}

/** Summarise one group of records. */
export function summarizeGroup(
  records: ExplainabilityRecord[],
  projection: string,
  trueClass: string,
): ExplainabilityGroup {
  const ms = records.map((r) => r.measures);
  const withCurves = ms.filter((m) => m.curves).map((m) => m.curves!);
  const sameFractions =
    withCurves.length > 0 &&
    withCurves.every((c) => c.fractions.length === withCurves[0].fractions.length);
  const conf = ms.filter((m) => m.confidence).map((m) => m.confidence!);
  return {
    projection,
    trueClass,
    n: records.length,
    attentionRatio: mean(ms.map((m) => m.attention.ratio)),
    attentionRatioMedian: median(ms.map((m) => m.attention.ratio)),
    massOnDense: mean(ms.map((m) => m.attention.massOnDense)),
    denseShare: mean(ms.map((m) => m.attention.denseShare)),
    pointingHitRate: ms.length ? ms.filter((m) => m.pointing.hit).length / ms.length : NaN,
    nCurves: withCurves.length,
    auc: {
      deletion: mean(withCurves.map((c) => c.auc.deletion)),
      deletionRandom: mean(withCurves.map((c) => c.auc.deletionRandom)),
      insertion: mean(withCurves.map((c) => c.auc.insertion)),
      insertionRandom: mean(withCurves.map((c) => c.auc.insertionRandom)),
    },
    deletionBeatsRandom: withCurves.length
      ? withCurves.filter((c) => c.auc.deletion < c.auc.deletionRandom).length / withCurves.length
      : NaN,
    insertionBeatsRandom: withCurves.length
      ? withCurves.filter((c) => c.auc.insertion > c.auc.insertionRandom).length / withCurves.length
      : NaN,
    meanCurves: sameFractions
      ? {
          fractions: withCurves[0].fractions,
          deletion: meanCurve(withCurves.map((c) => c.deletion)),
          deletionRandom: meanCurve(withCurves.map((c) => c.deletionRandom)),
          insertion: meanCurve(withCurves.map((c) => c.insertion)),
          insertionRandom: meanCurve(withCurves.map((c) => c.insertionRandom)),
        }
      : null,
    averageDropPercent: 100 * mean(conf.map((c) => c.drop)),
    increasePercent: conf.length
      ? (100 * conf.filter((c) => c.increase).length) / conf.length
      : NaN,
  };
}

/** The summary: one group per (projection, class), per projection, and overall. */
export interface ExplainabilitySummary {
  /** Groups per projection and true class, sorted. */
  byClass: ExplainabilityGroup[];
  /** Groups per projection (all classes). */
  byProjection: ExplainabilityGroup[];
  /** All images. */
  overall: ExplainabilityGroup;
}

/**
 * Summarise measured images per projection and class.
 * @param records One per image.
 */
export function summarizeExplainability(records: ExplainabilityRecord[]): ExplainabilitySummary {
  const keys = new Map<string, ExplainabilityRecord[]>();
  const projections = new Map<string, ExplainabilityRecord[]>();
  for (const r of records) {
    const k = `${r.projection}\u0000${r.trueClass}`;
    keys.set(k, [...(keys.get(k) ?? []), r]);
    projections.set(r.projection, [...(projections.get(r.projection) ?? []), r]);
  }
  const byClass = [...keys.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, rs]) => {
      const [p, c] = k.split('\u0000');
      return summarizeGroup(rs, p, c);
    });
  const byProjection = [...projections.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([p, rs]) => summarizeGroup(rs, p, 'all'));
  return { byClass, byProjection, overall: summarizeGroup(records, 'all', 'all') };
}
