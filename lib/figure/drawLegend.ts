import type { SKRSContext2D } from '@napi-rs/canvas';
import { cssColor } from './cssColor';
import { parseColor } from './colors';
import { drawText } from './drawText';
import type { FigureLayout } from './figureLayout';
import { fillBox } from './fillBox';
import { strokeLine } from './strokeLine';
import { traceColor } from './traceColor';

const TEXT = parseColor('#444444');

/**
 * Draw the legend at the top right: per entry a swatch (a box for bars; the line, dashed as the
 * trace, and/or a marker for scatter traces) in the trace's color, then its name.
 */
export function drawLegend(ctx: SKRSContext2D, fl: FigureLayout): void {
  const lineHeight = Math.round(fl.fontSize * 1.3);
  const x = fl.width - fl.legendWidth - 5;
  let y = fl.plot.top;
  for (const { trace: t, index } of fl.legend) {
    const explicit =
      t.type === 'scatter'
        ? (t.line?.color ?? t.marker?.color)
        : t.type === 'bar'
          ? t.marker?.color
          : undefined;
    const color = traceColor(index, explicit);
    const cy = Math.round(y + lineHeight / 2);
    if (t.type === 'bar') fillBox(ctx, x, cy - 6, x + 20, cy + 6, color);
    else if (t.type === 'scatter') {
      const mode = t.mode ?? 'lines+markers';
      if (mode.includes('lines'))
        strokeLine(
          ctx,
          [
            [x, cy],
            [x + 30, cy],
          ],
          color,
          2,
          t.line?.dash,
        );
      if (mode.includes('markers')) {
        ctx.fillStyle = cssColor(color);
        ctx.beginPath();
        ctx.arc(x + 15, cy, 3, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    drawText(ctx, t.name ?? `trace ${index}`, x + 36, cy, {
      size: fl.fontSize,
      color: TEXT,
      vAnchor: 'middle',
    });
    y += lineHeight + 4;
  }
}
