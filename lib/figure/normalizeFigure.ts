import type { PlotlyFigure } from './figure';

const isAxisKey = (k: string): boolean => /^[xy]axis\d*$/.test(k);

/**
 * A copy of the figure as plain JSON, with string titles (`title: 'x'`, accepted by
 * {@link renderFigurePng} and plotly.js 2) rewritten as `{text: 'x'}`, the only form plotly.js 3
 * draws (layout, axes, colorbars). The input is not modified.
 */
export function normalizeFigure(figure: PlotlyFigure): PlotlyFigure {
  const copy = JSON.parse(JSON.stringify(figure)) as PlotlyFigure;
  const fix = (o: Record<string, unknown> | undefined): void => {
    if (o && typeof o.title === 'string') o.title = { text: o.title };
  };
  const layout = copy.layout as Record<string, unknown> | undefined;
  if (layout) {
    fix(layout);
    for (const [k, v] of Object.entries(layout))
      if (isAxisKey(k) && v && typeof v === 'object') fix(v as Record<string, unknown>);
  }
  for (const t of copy.data) {
    const colorbar = (t as Record<string, unknown>).colorbar;
    if (colorbar && typeof colorbar === 'object') fix(colorbar as Record<string, unknown>);
  }
  return copy;
}
