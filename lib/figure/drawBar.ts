import type { SKRSContext2D } from '@napi-rs/canvas';
import { axisPosition } from './axisPosition';
import { axisToPixel } from './axisToPixel';
import { parseColor } from './colors';
import { drawText } from './drawText';
import type { BarTrace, PlotlyDatum } from './figure';
import type { FigureAxis } from './figureAxis';
import { fillBox } from './fillBox';
import { plainText } from './plainText';
import { traceColor } from './traceColor';

const TEXT = parseColor('#444444');

/**
 * Draw a bar trace, vertical or `orientation: 'h'`, 80 % of each category wide, shared side by
 * side with the other bar traces of the same orientation and axes when `grouped`; `text` is
 * written beyond the bar's end.
 * @param index The trace's index in `figure.data` (its default color).
 * @param bars All bar traces of the figure (the group). @param fontSize Text size in px.
 * @throws Error for a bad marker color.
 */
export function drawBar(
  ctx: SKRSContext2D,
  t: BarTrace,
  index: number,
  axes: [FigureAxis, FigureAxis],
  group: { bars: BarTrace[]; grouped: boolean },
  fontSize: number,
): void {
  const horizontal = t.orientation === 'h';
  const [ca, va] = horizontal ? [axes[1], axes[0]] : axes;
  const vals = ((horizontal ? t.x : t.y) ?? []) as PlotlyDatum[];
  const cats = (horizontal ? t.y : t.x) ?? vals.map((_, i) => i);
  const siblings = group.grouped
    ? group.bars.filter(
        (b) =>
          (b.orientation === 'h') === horizontal &&
          (b.xaxis ?? 'x') === (t.xaxis ?? 'x') &&
          (b.yaxis ?? 'y') === (t.yaxis ?? 'y'),
      )
    : [t];
  const k = Math.max(0, siblings.indexOf(t));
  const width = 0.8 / siblings.length;
  const colors = t.marker?.color;
  vals.forEach((raw, i) => {
    const v = Number(raw);
    if (!Number.isFinite(v)) return;
    const p = axisPosition(ca, cats[i]);
    const a0 = axisToPixel(ca, p - 0.4 + k * width);
    const a1 = axisToPixel(ca, p - 0.4 + (k + 1) * width);
    const b0 = axisToPixel(va, 0);
    const b1 = axisToPixel(va, v);
    const color = traceColor(index, Array.isArray(colors) ? colors[i] : colors);
    if (horizontal) fillBox(ctx, b0, a0, b1, a1, color);
    else fillBox(ctx, a0, b0, a1, b1, color);
    const text = Array.isArray(t.text) ? t.text[i] : t.text;
    if (text === undefined || text === '') return;
    const style = { size: fontSize, color: TEXT };
    if (horizontal)
      drawText(ctx, plainText(String(text)), b1 + 4, (a0 + a1) / 2, {
        ...style,
        vAnchor: 'middle',
      });
    else
      drawText(ctx, plainText(String(text)), (a0 + a1) / 2, b1 - 3, {
        ...style,
        hAnchor: 'middle',
        vAnchor: 'end',
      });
  });
}
