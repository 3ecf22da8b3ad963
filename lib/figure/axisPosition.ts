import type { FigureAxis } from './figureAxis';
import type { PlotlyDatum } from './figure';

/**
 * The position of a datum along an axis: its index on a category axis (numbers pass through),
 * the number itself on a linear axis.
 * @returns NaN for a category the axis does not have.
 */
export function axisPosition(a: FigureAxis, v: PlotlyDatum): number {
  if (a.categories) {
    const i = a.categories.indexOf(String(v));
    return i >= 0 ? i : typeof v === 'number' ? v : NaN;
  }
  return typeof v === 'number' ? v : Number(v);
}
