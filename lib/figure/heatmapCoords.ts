import type { PlotlyDatum } from './figure';

/**
 * The coordinates of a heatmap's cells along one dimension: the trace's `x` or `y` when it has
 * one per cell, else 0, 1, …, n − 1 (as plotly).
 * @param values The trace's `x` (columns) or `y` (rows). @param n Number of cells.
 */
export function heatmapCoords(values: PlotlyDatum[] | undefined, n: number): PlotlyDatum[] {
  return values && values.length >= n ? values.slice(0, n) : Array.from({ length: n }, (_, i) => i);
}
