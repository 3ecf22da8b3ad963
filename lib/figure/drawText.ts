import type { SKRSContext2D } from '@napi-rs/canvas';
import type { Rgba } from './colors';
import { cssColor } from './cssColor';
import { figureFont } from './figureFont';

/** Horizontal / vertical anchor of a text box: start = left / top. */
export type TextAnchor = 'start' | 'middle' | 'end';

/** How {@link drawText} draws. */
export interface TextStyle {
  /** Font size in px. */
  size: number;
  color: Rgba;
  bold?: boolean;
  hAnchor?: TextAnchor;
  vAnchor?: TextAnchor;
  /** Run the text bottom-to-top (a y-axis title); the anchors apply to the rotated box. */
  rotate?: boolean;
}

/**
 * Draw one or more lines (`\n`) of text with the bundled figure font, centred line by line,
 * the box anchored at (x, y).
 * @param ctx 2-D context of the figure canvas. @param text Plain text.
 * @returns The box size in px before rotation: `{width, height}` (line height 1.3 × size).
 */
export function drawText(
  ctx: SKRSContext2D,
  text: string,
  x: number,
  y: number,
  style: TextStyle,
): { width: number; height: number } {
  ctx.save();
  ctx.font = figureFont(style.size, style.bold);
  const lines = text.split('\n');
  const widths = lines.map((l) => ctx.measureText(l).width);
  const lineHeight = Math.round(style.size * 1.3);
  const boxW = Math.max(0, ...widths);
  const boxH = lines.length * lineHeight;
  const shift = (a: TextAnchor | undefined, size: number): number =>
    a === 'middle' ? size / 2 : a === 'end' ? size : 0;
  ctx.translate(x, y);
  if (style.rotate) ctx.rotate(-Math.PI / 2);
  // Unrotated box top-left relative to the anchor point (the rotated box is boxH wide, boxW tall).
  const left = style.rotate ? -boxW + shift(style.vAnchor, boxW) : -shift(style.hAnchor, boxW);
  const top = style.rotate ? -shift(style.hAnchor, boxH) : -shift(style.vAnchor, boxH);
  ctx.fillStyle = cssColor(style.color);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  lines.forEach((line, i) => ctx.fillText(line, left + boxW / 2, top + (i + 0.5) * lineHeight));
  ctx.restore();
  return { width: boxW, height: boxH };
}
