import { axisKey } from './axisKey';
import type { PlotlyAxis, PlotlyDatum, PlotlyFigure } from './figure';
import type { FigureAxis } from './figureAxis';
import { heatmapCoords } from './heatmapCoords';

/** The axes of a figure, as {@link collectAxes} finds them. */
export interface CollectedAxes {
  /** Axes by layout key (`xaxis`, `yaxis2`…), in order of first use. */
  byKey: Map<string, FigureAxis>;
  /** The [x, y] axes of each trace, by trace index. */
  traceAxes: Array<[FigureAxis, FigureAxis]>;
  /** The axis with this id, created (range 0..1, full domain) when no trace uses it. */
  axisFor(id: string, isX: boolean): FigureAxis;
}

/**
 * Create the axes the traces use, placed on the plot area by their `domain`, and find the
 * category axes (`type: 'category'`, or string values on an axis not forced `linear`) with their
 * categories in order of appearance. Ranges are set by {@link fitAxisRanges}.
 * @param plot Plot area in px.
 */
export function collectAxes(
  figure: PlotlyFigure,
  plot: { left: number; right: number; top: number; bottom: number },
): CollectedAxes {
  const layout = (figure.layout ?? {}) as Record<string, unknown>;
  const { left: L, right: R, top: T, bottom: B } = plot;
  const byKey = new Map<string, FigureAxis>();
  const axisFor = (id: string, isX: boolean): FigureAxis => {
    const key = axisKey(id, isX);
    let a = byKey.get(key);
    if (!a) {
      const spec = (layout[key] ?? {}) as PlotlyAxis;
      const domain = spec.domain ?? [0, 1];
      a = {
        id,
        isX,
        spec,
        domain,
        categories: spec.type === 'category' ? [] : null,
        lo: Infinity,
        hi: -Infinity,
        p0: isX ? L + domain[0] * (R - L) : B - domain[0] * (B - T),
        p1: isX ? L + domain[1] * (R - L) : B - domain[1] * (B - T),
        range: [0, 1],
      };
      byKey.set(key, a);
    }
    return a;
  };
  const traceAxes = figure.data.map(
    (t) =>
      [axisFor(t.xaxis ?? 'x', true), axisFor(t.yaxis ?? 'y', false)] as [FigureAxis, FigureAxis],
  );
  figure.data.forEach((t, i) => {
    const xs: PlotlyDatum[] =
      t.type === 'heatmap' ? heatmapCoords(t.x, t.z[0]?.length ?? 0) : (t.x ?? []);
    const ys: PlotlyDatum[] =
      t.type === 'heatmap' ? heatmapCoords(t.y, t.z.length) : ((t.y ?? []) as PlotlyDatum[]);
    for (const [a, vals] of [
      [traceAxes[i][0], xs],
      [traceAxes[i][1], ys],
    ] as const) {
      if (a.spec.type !== 'linear' && vals.some((v) => typeof v === 'string') && !a.categories)
        a.categories = [];
      if (a.categories)
        for (const v of vals)
          if (v !== null && !a.categories.includes(String(v))) a.categories.push(String(v));
    }
  });
  return { byKey, traceAxes, axisFor };
}
