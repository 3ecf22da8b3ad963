import { axisPosition } from './axisPosition';
import { cellEdges } from './cellEdges';
import type { PlotlyDatum, PlotlyTrace } from './figure';
import type { FigureAxis } from './figureAxis';
import { heatmapCoords } from './heatmapCoords';

type Extend = (a: FigureAxis, v: number) => void;

/** Extend the axes' data extents by one trace; returns the axes that want 5 % padding. */
function extendByTrace(
  t: PlotlyTrace,
  ax: FigureAxis,
  ay: FigureAxis,
  extend: Extend,
): FigureAxis[] {
  if (t.type === 'heatmap') {
    const xs = heatmapCoords(t.x, t.z[0]?.length ?? 0).map((v) => axisPosition(ax, v));
    const ys = heatmapCoords(t.y, t.z.length).map((v) => axisPosition(ay, v));
    for (const e of cellEdges(xs)) extend(ax, e);
    for (const e of cellEdges(ys)) extend(ay, e);
    return [];
  }
  if (t.type === 'bar') {
    const horizontal = t.orientation === 'h';
    const [ca, va] = horizontal ? [ay, ax] : [ax, ay];
    const cats = (horizontal ? t.y : t.x) ?? (horizontal ? t.x : t.y)?.map((_, i) => i) ?? [];
    const vals = ((horizontal ? t.x : t.y) ?? []) as PlotlyDatum[];
    for (const cv of cats) {
      const p = axisPosition(ca, cv);
      extend(ca, p - 0.5);
      extend(ca, p + 0.5);
    }
    extend(va, 0);
    for (const v of vals) extend(va, Number(v));
    return [va];
  }
  const xs = t.x ?? (t.y ?? []).map((_, i) => i);
  for (const v of xs) extend(ax, axisPosition(ax, v));
  for (const v of t.y ?? []) if (v !== null) extend(ay, axisPosition(ay, v));
  return (t.mode ?? 'lines+markers').includes('markers') ? [ax, ay] : [];
}

/**
 * Set every axis's shown range as plotly's autorange does: the data extent (heatmap cell edges,
 * bars from 0 and ±0.5 around categories, scatter points), 5 % padding for bars (away from 0)
 * and markers, a unit range around a single value; an explicit `range` wins; `autorange:
 * 'reversed'` flips it. Modifies the axes in place.
 * @param traceAxes The [x, y] axes of each trace (from {@link collectAxes}).
 */
export function fitAxisRanges(
  traces: PlotlyTrace[],
  traceAxes: Array<[FigureAxis, FigureAxis]>,
  axes: Iterable<FigureAxis>,
): void {
  const extend: Extend = (a, v) => {
    if (Number.isFinite(v)) {
      a.lo = Math.min(a.lo, v);
      a.hi = Math.max(a.hi, v);
    }
  };
  const padded = new Set<FigureAxis>();
  traces.forEach((t, i) => {
    for (const a of extendByTrace(t, traceAxes[i][0], traceAxes[i][1], extend)) padded.add(a);
  });
  for (const a of axes) {
    if (!Number.isFinite(a.lo)) {
      a.lo = a.categories ? -0.5 : 0;
      a.hi = a.categories ? Math.max(0, a.categories.length - 1) + 0.5 : 1;
    }
    if (a.lo === a.hi) {
      a.lo -= 1;
      a.hi += 1;
    }
    if (padded.has(a) && !a.categories) {
      const pad = (a.hi - a.lo) * 0.05;
      // Bars start at 0: pad only away from zero.
      if (a.lo !== 0) a.lo -= pad;
      a.hi += pad;
    }
    const r: [number, number] = a.spec.range ? [a.spec.range[0], a.spec.range[1]] : [a.lo, a.hi];
    a.range = a.spec.autorange === 'reversed' && !a.spec.range ? [r[1], r[0]] : r;
  }
}
