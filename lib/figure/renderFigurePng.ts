/**
 * Draw a plotly figure (plain JSON) to a PNG, without a browser: the `image/png` part of every
 * figure display (GitHub, nbviewer, front ends without plotly.js) and the project's figure files
 * (e.g. `confusionmatrix_*.png`).
 *
 * Supported: trace types `heatmap` (colorscale, zmin/zmax, reversescale, texttemplate, colorbar),
 * `bar` (vertical/horizontal, grouped, marker colors) and `scatter` (`lines`, `markers`,
 * `lines+markers`, dash), layout title, axis titles, ranges, `autorange: 'reversed'`, category and
 * linear axes, tickvals/ticktext, subplots through axis `domain`s (`xaxis2`…), annotations
 * (data or paper coordinates, optional arrow), legend, margins, width/height. Defaults follow
 * plotly.js (700 × 450 px, margins 80/80/100/80, `#444` text, Open Sans).
 *
 * Drawn with Skia through `@napi-rs/canvas` (anti-aliased lines and text, prebuilt binaries in
 * the npm package) and the bundled Open Sans font ({@link figureFont}), in five steps:
 * {@link figureLayout} (sizes, plot area, axes and ranges), {@link drawGrid} (backgrounds and grid),
 * {@link drawTraces}, {@link drawAxes} (zero lines, tick labels, axis titles), then the title,
 * colorbar, {@link drawLegend} and {@link drawAnnotations}.
 */
import type { SKRSContext2D } from '@napi-rs/canvas';
import { InputError } from '../errors';
import { encodePng } from '../io/png';
import { axisTicks } from './axisTicks';
import { parseColor } from './colors';
import { cssColor } from './cssColor';
import { drawAnnotations } from './drawAnnotations';
import { drawAxes } from './drawAxes';
import { drawColorbar } from './drawColorbar';
import { drawGrid } from './drawGrid';
import { drawLegend } from './drawLegend';
import { drawText } from './drawText';
import { drawTraces } from './drawTraces';
import type { PlotlyFigure } from './figure';
import type { FigureAxis } from './figureAxis';
import { figureLayout } from './figureLayout';
import type { Tick } from './numericTicks';
import { titleText } from './titleText';

/** Options of {@link renderFigurePng}. */
export interface RenderFigureOptions {
  /** Width in px (default `layout.width`, else 700). */
  width?: number;
  /** Height in px (default `layout.height`, else 450). */
  height?: number;
}

/** Trace types {@link renderFigurePng} can draw. */
export const RENDERABLE_TRACE_TYPES = ['heatmap', 'bar', 'scatter'] as const;

function validate(figure: PlotlyFigure): void {
  if (!figure || typeof figure !== 'object' || !Array.isArray(figure.data))
    throw new InputError(
      `renderFigurePng: expected a plotly figure {data: [...], layout}, got ${typeof figure}`,
    );
  figure.data.forEach((t, i) => {
    if (!(RENDERABLE_TRACE_TYPES as readonly string[]).includes(t.type))
      throw new InputError(
        `renderFigurePng: trace ${i} has type "${String(t.type)}"; supported: ${RENDERABLE_TRACE_TYPES.join(', ')}`,
      );
    if (t.type === 'heatmap' && (!Array.isArray(t.z) || !t.z.every((r) => Array.isArray(r))))
      throw new InputError(`renderFigurePng: heatmap trace ${i} needs z as an array of rows`);
  });
}

/**
 * Draw a plotly figure to an 8-bit RGBA PNG.
 * @param figure `{data, layout}` with traces of type `heatmap`, `bar` or `scatter`.
 * @param options Size override (else `layout.width/height`, else 700 × 450).
 * @returns PNG file bytes (RGBA, 8 bit), white background unless `paper_bgcolor` is set.
 * @throws InputError for an unsupported trace type, malformed data or a size outside 50..8000 px;
 *   Error for a bad color or colorscale name (the message names the value).
 */
export function renderFigurePng(figure: PlotlyFigure, options: RenderFigureOptions = {}): Buffer {
  validate(figure);
  const layout = figure.layout ?? {};
  const W = Math.round(options.width ?? layout.width ?? 700);
  const H = Math.round(options.height ?? layout.height ?? 450);
  if (!(W >= 50 && H >= 50 && W <= 8000 && H <= 8000))
    throw new InputError(`renderFigurePng: expected a size between 50 and 8000 px, got ${W}×${H}`);
  // Loaded at call time: the native canvas binary stays off the library's import path.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createCanvas } = require('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
  const ctx: SKRSContext2D = createCanvas(W, H).getContext('2d');
  const fl = figureLayout(ctx, figure, W, H);
  ctx.fillStyle = cssColor(fl.background);
  ctx.fillRect(0, 0, W, H);
  const ticks = new Map<FigureAxis, Tick[]>(
    [...fl.axes.byKey.values()].map((a) => [a, axisTicks(ctx, a, fl.fontSize)]),
  );
  drawGrid(ctx, fl, ticks);
  drawTraces(ctx, figure, fl);
  drawAxes(ctx, fl, ticks);
  const title = titleText(layout.title);
  if (title) {
    const t = layout.title;
    const size = typeof t === 'object' && t.font?.size ? t.font.size : 17;
    drawText(ctx, title, W / 2, fl.plot.top / 2, {
      size,
      color: parseColor('#444444'),
      hAnchor: 'middle',
      vAnchor: 'middle',
    });
  }
  if (fl.colorbar)
    drawColorbar(ctx, fl.colorbar, fl.plot.right + 12, fl.plot.top, fl.plot.bottom, fl.fontSize);
  drawLegend(ctx, fl);
  drawAnnotations(ctx, layout.annotations ?? [], fl);
  const rgba = ctx.getImageData(0, 0, W, H).data;
  const data = new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  return encodePng({ width: W, height: H, channels: 4, bitDepth: 8, data });
}
