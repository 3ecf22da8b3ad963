import type { SKRSContext2D } from '@napi-rs/canvas';
import type { Rgba } from './colors';
import { cssColor } from './cssColor';

/**
 * Fill the rectangle between two corners, its edges rounded to whole pixels so that adjacent
 * boxes (heatmap cells, bars) meet without seams or anti-aliased edges.
 * @param ctx 2-D context of the figure canvas (pixel coordinates, y down).
 * @param x0 @param y0 @param x1 @param y1 Two opposite corners in px, in any order.
 * @param color Fill color.
 */
export function fillBox(
  ctx: SKRSContext2D,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  color: Rgba,
): void {
  const xa = Math.round(Math.min(x0, x1));
  const xb = Math.round(Math.max(x0, x1));
  const ya = Math.round(Math.min(y0, y1));
  const yb = Math.round(Math.max(y0, y1));
  if (xb <= xa || yb <= ya) return;
  ctx.fillStyle = cssColor(color);
  ctx.fillRect(xa, ya, xb - xa, yb - ya);
}
