import type { SKRSContext2D } from '@napi-rs/canvas';
import { axisCrossExtent } from './axisCrossExtent';
import { axisToPixel } from './axisToPixel';
import { parseColor } from './colors';
import { drawAxisLine } from './drawAxisLine';
import { drawText } from './drawText';
import type { FigureAxis } from './figureAxis';
import type { FigureLayout } from './figureLayout';
import type { Tick } from './numericTicks';
import { strokeLine } from './strokeLine';
import { textWidth } from './textWidth';
import { titleText } from './titleText';

const TEXT = parseColor('#444444');

/** Tick labels of one axis; returns their extent away from the axis (px). */
function drawTickLabels(
  ctx: SKRSContext2D,
  a: FigureAxis,
  ticks: Tick[],
  o0: number,
  o1: number,
  size: number,
): number {
  let extent = 0;
  if (a.spec.showticklabels === false) return 0;
  for (const { value, label } of ticks) {
    const p = axisToPixel(a, value);
    if (p < Math.min(a.p0, a.p1) - 1 || p > Math.max(a.p0, a.p1) + 1) continue;
    if (a.isX) drawText(ctx, label, p, o1 + 6, { size, color: TEXT, hAnchor: 'middle' });
    else drawText(ctx, label, o0 - 6, p, { size, color: TEXT, hAnchor: 'end', vAnchor: 'middle' });
    extent = Math.max(extent, a.isX ? Math.round(size * 1.3) : textWidth(ctx, label, size));
  }
  return extent;
}

/**
 * Draw what lies over the traces on every axis: the zero line of a linear axis spanning 0 (not
 * with `zeroline: false`), the tick labels (below x axes, left of y axes) and the axis title
 * (14 px unless its font says otherwise; rotated on y axes).
 * @param ticks The ticks of each axis (from {@link axisTicks}).
 */
export function drawAxes(
  ctx: SKRSContext2D,
  fl: FigureLayout,
  ticks: Map<FigureAxis, Tick[]>,
): void {
  for (const a of fl.axes.byKey.values()) {
    const [o0, o1] = axisCrossExtent(fl, a);
    const lo = Math.min(a.range[0], a.range[1]);
    const hi = Math.max(a.range[0], a.range[1]);
    if (!a.categories && lo < 0 && hi > 0 && a.spec.zeroline !== false)
      drawAxisLine(ctx, fl, a, 0, TEXT);
    const extent = drawTickLabels(ctx, a, ticks.get(a) ?? [], o0, o1, fl.fontSize);
    const title = titleText(a.spec.title);
    if (!title) continue;
    const t = a.spec.title;
    const size = typeof t === 'object' && t.font?.size ? t.font.size : 14;
    const mid = (a.p0 + a.p1) / 2;
    if (a.isX)
      drawText(ctx, title, mid, o1 + 10 + extent + 4, { size, color: TEXT, hAnchor: 'middle' });
    else
      drawText(ctx, title, o0 - 10 - extent - 4, mid, {
        size,
        color: TEXT,
        hAnchor: 'end',
        vAnchor: 'middle',
        rotate: true,
      });
  }
}
