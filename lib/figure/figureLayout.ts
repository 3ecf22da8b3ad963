import type { SKRSContext2D } from '@napi-rs/canvas';
import { type CollectedAxes, collectAxes } from './collectAxes';
import { type Rgba, parseColor } from './colors';
import type { HeatmapTrace, PlotlyFigure, PlotlyTrace } from './figure';
import { fitAxisRanges } from './fitAxisRanges';
import { textWidth } from './textWidth';

/** A legend entry: a trace and its index in `figure.data`. */
export interface LegendEntry {
  trace: PlotlyTrace;
  index: number;
}

/** Where everything of a figure goes on the canvas (px, y down), from {@link figureLayout}. */
export interface FigureLayout {
  width: number;
  height: number;
  background: Rgba;
  plotBackground: Rgba;
  /** Base font size (`layout.font.size`, default 12): ticks, legend, cell text. */
  fontSize: number;
  /** The plot area: inside the margins, left of a wide legend. */
  plot: { left: number; right: number; top: number; bottom: number };
  axes: CollectedAxes;
  /** Legend entries shown (empty when the legend is hidden) and the legend's width in px. */
  legend: LegendEntry[];
  legendWidth: number;
  /** The heatmap whose colorbar is drawn (the first with `showscale` not false). */
  colorbar?: HeatmapTrace;
}

/**
 * Lay a figure out: size, backgrounds, margins (plotly's defaults l 80, r 80, t 100, b 80), the
 * legend (non-heatmap traces, shown with 2+ of them or `showlegend: true`), the plot area and the
 * axes with their fitted ranges.
 * @param ctx A 2-D context, to measure legend text.
 * @param width @param height Canvas size in px (already validated).
 * @throws Error for a background that is not a CSS color.
 */
export function figureLayout(
  ctx: SKRSContext2D,
  figure: PlotlyFigure,
  width: number,
  height: number,
): FigureLayout {
  const layout = figure.layout ?? {};
  const color = (c: unknown): Rgba =>
    typeof c === 'string' ? parseColor(c) : [255, 255, 255, 255];
  const m = { l: 80, r: 80, t: 100, b: 80, ...(layout.margin ?? {}) };
  const fontSize = layout.font?.size ?? 12;
  const legendable = figure.data
    .map((trace, index) => ({ trace, index }))
    .filter(({ trace }) => trace.type !== 'heatmap' && trace.showlegend !== false);
  const legend = (layout.showlegend ?? legendable.length >= 2) ? legendable : [];
  const legendWidth = legend.length
    ? Math.max(
        ...legend.map(({ trace, index }) =>
          textWidth(ctx, trace.name ?? `trace ${index}`, fontSize),
        ),
      ) + 50
    : 0;
  const plot = {
    left: m.l,
    right: width - m.r - (legendWidth > m.r ? legendWidth - m.r + 10 : 0),
    top: m.t,
    bottom: height - m.b,
  };
  const axes = collectAxes(figure, plot);
  fitAxisRanges(figure.data, axes.traceAxes, axes.byKey.values());
  return {
    width,
    height,
    background: color(layout.paper_bgcolor),
    plotBackground: color(layout.plot_bgcolor),
    fontSize,
    plot,
    axes,
    legend,
    legendWidth,
    colorbar: figure.data.find(
      (t): t is HeatmapTrace => t.type === 'heatmap' && t.showscale !== false,
    ),
  };
}
