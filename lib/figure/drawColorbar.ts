import type { SKRSContext2D } from '@napi-rs/canvas';
import { colorAt, parseColor, resolveColorscale } from './colors';
import { drawText } from './drawText';
import type { HeatmapTrace } from './figure';
import { fillBox } from './fillBox';
import { heatmapZRange } from './heatmapZRange';
import { numericTicks } from './numericTicks';
import { strokeLine } from './strokeLine';
import { titleText } from './titleText';

const TEXT = parseColor('#444444');

/**
 * Draw a heatmap's colorbar: a 20-px gradient from `zmin` (bottom) to `zmax` (top), ticks about
 * every 50 px with labels right of it, and the colorbar title above it.
 * @param x Left edge in px. @param top @param bottom Vertical extent in px.
 * @param fontSize Label size in px.
 */
export function drawColorbar(
  ctx: SKRSContext2D,
  t: HeatmapTrace,
  x: number,
  top: number,
  bottom: number,
  fontSize: number,
): void {
  const [zmin, zmax] = heatmapZRange(t);
  const stops = resolveColorscale(t.colorscale, t.reversescale ?? false);
  const thickness = 20;
  for (let y = Math.round(top); y < bottom; y++) {
    const f = (bottom - 1 - y) / Math.max(1, bottom - 1 - top);
    fillBox(ctx, x, y, x + thickness, y + 1, colorAt(stops, f));
  }
  if (zmax > zmin) {
    const count = Math.max(2, Math.round((bottom - top) / 50));
    for (const { value, label } of numericTicks(zmin, zmax, count)) {
      const y = Math.round(bottom - 1 - ((value - zmin) / (zmax - zmin)) * (bottom - 1 - top));
      strokeLine(
        ctx,
        [
          [x + thickness, y],
          [x + thickness + 3, y],
        ],
        TEXT,
      );
      drawText(ctx, label, x + thickness + 5, y, {
        size: fontSize,
        color: TEXT,
        vAnchor: 'middle',
      });
    }
  }
  const title = titleText(t.colorbar?.title);
  if (title) drawText(ctx, title, x, top - 6, { size: fontSize, color: TEXT, vAnchor: 'end' });
}
