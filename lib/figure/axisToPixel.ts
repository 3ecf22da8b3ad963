import type { FigureAxis } from './figureAxis';

/**
 * The canvas coordinate (px) of an axis position (see {@link axisPosition}), linear in the range.
 */
export function axisToPixel(a: FigureAxis, position: number): number {
  const [r0, r1] = a.range;
  return a.p0 + ((position - r0) / (r1 - r0)) * (a.p1 - a.p0);
}
