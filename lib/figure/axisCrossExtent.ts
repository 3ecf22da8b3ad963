import type { FigureAxis } from './figureAxis';
import type { FigureLayout } from './figureLayout';

/**
 * The pixel extent across an axis: for an x axis the [top, bottom] of the y axis it is paired
 * with (by the first trace using it), for a y axis the [left, right] of its x axis; the whole
 * plot area when no trace uses it.
 */
export function axisCrossExtent(fl: FigureLayout, a: FigureAxis): [number, number] {
  for (const [ax, ay] of fl.axes.traceAxes) {
    if (a === ax) return [ay.p1, ay.p0];
    if (a === ay) return [ax.p0, ax.p1];
  }
  return a.isX ? [fl.plot.top, fl.plot.bottom] : [fl.plot.left, fl.plot.right];
}
