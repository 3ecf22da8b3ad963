import type { SKRSContext2D } from '@napi-rs/canvas';
import { drawBar } from './drawBar';
import { drawHeatmap } from './drawHeatmap';
import { drawScatter } from './drawScatter';
import type { BarTrace, PlotlyFigure } from './figure';
import type { FigureLayout } from './figureLayout';

/**
 * Draw every trace in `figure.data` order on its axes (heatmaps, bars grouped per
 * `layout.barmode`, default `group`, and scatter lines/markers).
 */
export function drawTraces(ctx: SKRSContext2D, figure: PlotlyFigure, fl: FigureLayout): void {
  const bars = figure.data.filter((t): t is BarTrace => t.type === 'bar');
  const group = { bars, grouped: (figure.layout?.barmode ?? 'group') === 'group' };
  figure.data.forEach((t, index) => {
    const [ax, ay] = fl.axes.traceAxes[index];
    if (t.type === 'heatmap') drawHeatmap(ctx, t, ax, ay, fl.fontSize);
    else if (t.type === 'bar') drawBar(ctx, t, index, [ax, ay], group, fl.fontSize);
    else drawScatter(ctx, t, index, ax, ay);
  });
}
