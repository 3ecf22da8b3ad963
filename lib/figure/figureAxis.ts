import type { PlotlyAxis } from './figure';

/**
 * One axis of a figure being drawn, as {@link figureLayout} resolves it: where it lies on the
 * canvas and which data range it shows.
 */
export interface FigureAxis {
  /** plotly axis id: `x`, `x2`, … or `y`, `y2`, …. */
  id: string;
  isX: boolean;
  /** The layout's axis object (`layout.xaxis2`…), `{}` when absent. */
  spec: PlotlyAxis;
  /** Fractions of the plot area, plotly `domain`. */
  domain: [number, number];
  /** Category labels in order of appearance (a category axis), else null (linear). */
  categories: string[] | null;
  /** Data extent seen on this axis (positions; categories are 0, 1, …). */
  lo: number;
  hi: number;
  /** Pixel start and end (x: left → right; y: bottom → top, so p0 > p1). */
  p0: number;
  p1: number;
  /** Shown range `[at p0, at p1]` (reversed for `autorange: 'reversed'`). */
  range: [number, number];
}
