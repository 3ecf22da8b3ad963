import type { SKRSContext2D } from '@napi-rs/canvas';
import type { Rgba } from './colors';
import { cssColor } from './cssColor';

/** Dash patterns of plotly's `line.dash` names, [on, off…] in px. */
const DASHES: Record<string, number[]> = { dash: [9, 5], dot: [3, 3], dashdot: [9, 3, 3, 3] };

/**
 * Stroke a polyline (anti-aliased, round joins). A horizontal or vertical 1-px segment is
 * snapped to the pixel grid so that grid lines and ticks stay crisp.
 * @param ctx 2-D context of the figure canvas.
 * @param points Vertices in px; `null` or non-finite entries break the line.
 * @param color Stroke color. @param width Line width in px (default 1).
 * @param dash plotly `line.dash` (`solid`, `dash`, `dot`, `dashdot`); unknown names draw solid.
 */
export function strokeLine(
  ctx: SKRSContext2D,
  points: ReadonlyArray<readonly [number, number] | null>,
  color: Rgba,
  width = 1,
  dash?: string,
): void {
  const snap = (v: number): number => (width % 2 === 1 ? Math.round(v - 0.5) + 0.5 : Math.round(v));
  const straight =
    points.length === 2 &&
    points[0] &&
    points[1] &&
    (points[0][0] === points[1][0] || points[0][1] === points[1][1]);
  ctx.save();
  ctx.strokeStyle = cssColor(color);
  ctx.lineWidth = width;
  ctx.lineJoin = 'round';
  ctx.setLineDash(DASHES[dash ?? ''] ?? []);
  ctx.beginPath();
  let pen = false;
  for (const p of points) {
    if (!p || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) {
      pen = false;
      continue;
    }
    const [x, y] = straight ? [snap(p[0]), snap(p[1])] : p;
    if (pen) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    pen = true;
  }
  ctx.stroke();
  ctx.restore();
}
