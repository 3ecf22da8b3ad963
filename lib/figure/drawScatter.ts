import type { SKRSContext2D } from '@napi-rs/canvas';
import { axisPosition } from './axisPosition';
import { axisToPixel } from './axisToPixel';
import { parseColor } from './colors';
import { cssColor } from './cssColor';
import type { ScatterTrace } from './figure';
import type { FigureAxis } from './figureAxis';
import { strokeLine } from './strokeLine';
import { traceColor } from './traceColor';

/**
 * Draw a scatter trace: `lines` (`line.width` default 2, `line.dash`), `markers` (discs of
 * `marker.size` default 6) or both (the default); `null` values break the line.
 * @param index The trace's index in `figure.data` (its default color).
 * @throws Error for a bad line or marker color.
 */
export function drawScatter(
  ctx: SKRSContext2D,
  t: ScatterTrace,
  index: number,
  ax: FigureAxis,
  ay: FigureAxis,
): void {
  const ys = t.y ?? [];
  const xs = t.x ?? ys.map((_, i) => i);
  const mode = t.mode ?? 'lines+markers';
  const mc = t.marker?.color;
  const lineColor = traceColor(index, t.line?.color ?? (typeof mc === 'string' ? mc : undefined));
  const pts = ys.map((y, i) =>
    y === null || xs[i] === undefined
      ? null
      : ([axisToPixel(ax, axisPosition(ax, xs[i])), axisToPixel(ay, axisPosition(ay, y))] as const),
  );
  if (mode.includes('lines')) strokeLine(ctx, pts, lineColor, t.line?.width ?? 2, t.line?.dash);
  if (!mode.includes('markers')) return;
  const r = (t.marker?.size ?? 6) / 2;
  pts.forEach((p, i) => {
    if (!p || !p.every(Number.isFinite)) return;
    ctx.fillStyle = cssColor(
      Array.isArray(mc) ? parseColor(mc[i]) : mc ? parseColor(mc) : lineColor,
    );
    ctx.beginPath();
    ctx.arc(p[0], p[1], r, 0, 2 * Math.PI);
    ctx.fill();
  });
}
