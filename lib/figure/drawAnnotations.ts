import type { SKRSContext2D } from '@napi-rs/canvas';
import { axisKey } from './axisKey';
import { axisPosition } from './axisPosition';
import { axisToPixel } from './axisToPixel';
import { parseColor } from './colors';
import { type TextAnchor, drawText } from './drawText';
import type { PlotlyAnnotation, PlotlyDatum } from './figure';
import type { FigureLayout } from './figureLayout';
import { plainText } from './plainText';
import { strokeLine } from './strokeLine';

const TEXT = parseColor('#444444');

/** Canvas coordinate of an annotation's x or y: data coordinates of an axis, or paper 0..1. */
function place(
  fl: FigureLayout,
  v: PlotlyDatum | undefined,
  ref: string | undefined,
  isX: boolean,
): number {
  const r = ref ?? (isX ? 'x' : 'y');
  const { left: L, right: R, top: T, bottom: B } = fl.plot;
  if (r.startsWith('paper') || r.endsWith('domain')) {
    const f = Number(v ?? 0.5);
    return isX ? L + f * (R - L) : B - f * (B - T);
  }
  const a = fl.axes.byKey.get(axisKey(r, isX)) ?? fl.axes.axisFor(r, isX);
  return axisToPixel(a, axisPosition(a, v ?? 0));
}

/**
 * Draw `layout.annotations`: text at data (`xref: 'x'`…) or paper coordinates, with plotly's
 * arrow from the point to the text (offset `ax`, `ay`, default −10, −30 px) unless
 * `showarrow: false`, anchored by `xanchor`/`yanchor`.
 * @throws Error for a bad font color.
 */
export function drawAnnotations(
  ctx: SKRSContext2D,
  annotations: PlotlyAnnotation[],
  fl: FigureLayout,
): void {
  for (const an of annotations) {
    const color = an.font?.color ? parseColor(an.font.color) : TEXT;
    const px = place(fl, an.x, an.xref, true);
    const py = place(fl, an.y, an.yref, false);
    const arrow = an.showarrow ?? true;
    const tx = arrow ? px + (an.ax ?? -10) : px;
    const ty = arrow ? py + (an.ay ?? -30) : py;
    if (arrow)
      strokeLine(
        ctx,
        [
          [px, py],
          [tx, ty],
        ],
        color,
      );
    const h: TextAnchor =
      an.xanchor === 'left' ? 'start' : an.xanchor === 'right' ? 'end' : 'middle';
    const v: TextAnchor =
      an.yanchor === 'top' ? 'start' : an.yanchor === 'bottom' ? 'end' : 'middle';
    drawText(ctx, plainText(an.text), tx, ty, {
      size: an.font?.size ?? fl.fontSize,
      color,
      hAnchor: h,
      vAnchor: v,
    });
  }
}
