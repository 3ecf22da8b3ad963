import type { SKRSContext2D } from '@napi-rs/canvas';
import { axisPosition } from './axisPosition';
import { axisToPixel } from './axisToPixel';
import { cellEdges } from './cellEdges';
import { type Rgba, colorAt, luminance, parseColor, resolveColorscale } from './colors';
import { drawText } from './drawText';
import type { HeatmapTrace } from './figure';
import type { FigureAxis } from './figureAxis';
import { fillBox } from './fillBox';
import { fillTemplate } from './fillTemplate';
import { heatmapCoords } from './heatmapCoords';
import { heatmapZRange } from './heatmapZRange';

const BLACK: Rgba = [0, 0, 0, 255];
const WHITE: Rgba = [255, 255, 255, 255];

/**
 * Draw a heatmap: each finite cell filled with its colorscale color (`zmin..zmax`,
 * `reversescale`), and its `texttemplate` text centred in it, white on dark cells and black on
 * light ones unless `textfont.color` is set.
 * @param fontSize Default cell text size in px (`textfont.size` wins).
 * @throws Error for an unknown colorscale or a bad color.
 */
export function drawHeatmap(
  ctx: SKRSContext2D,
  t: HeatmapTrace,
  ax: FigureAxis,
  ay: FigureAxis,
  fontSize: number,
): void {
  const rows = t.z.length;
  const cols = Math.max(0, ...t.z.map((r) => r.length));
  const xs = heatmapCoords(t.x, cols);
  const ys = heatmapCoords(t.y, rows);
  const xe = cellEdges(xs.map((v) => axisPosition(ax, v)));
  const ye = cellEdges(ys.map((v) => axisPosition(ay, v)));
  const [zmin, zmax] = heatmapZRange(t);
  const stops = resolveColorscale(t.colorscale, t.reversescale ?? false);
  const size = t.textfont?.size ?? fontSize;
  const fixedText = t.textfont?.color ? parseColor(t.textfont.color) : undefined;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const z = t.z[i][j];
      if (typeof z !== 'number' || !Number.isFinite(z)) continue;
      const color = colorAt(stops, zmax > zmin ? (z - zmin) / (zmax - zmin) : 0.5);
      const [x0, x1] = [axisToPixel(ax, xe[j]), axisToPixel(ax, xe[j + 1])];
      const [y0, y1] = [axisToPixel(ay, ye[i]), axisToPixel(ay, ye[i + 1])];
      fillBox(ctx, x0, y0, x1, y1, color);
      if (!t.texttemplate) continue;
      const text = fillTemplate(t.texttemplate, { z, x: xs[j], y: ys[i], text: t.text?.[i]?.[j] });
      drawText(ctx, text, (x0 + x1) / 2, (y0 + y1) / 2, {
        size,
        color: fixedText ?? (luminance(color) < 0.5 ? WHITE : BLACK),
        hAnchor: 'middle',
        vAnchor: 'middle',
      });
    }
}
