import type { SKRSContext2D } from '@napi-rs/canvas';
import { figureFont } from './figureFont';

/**
 * Width in px of the widest line of `text` in the figure font.
 * @param ctx Any 2-D context (its font is restored). @param text Plain text, lines split at `\n`.
 * @param sizePx Font size in px.
 */
export function textWidth(ctx: SKRSContext2D, text: string, sizePx: number): number {
  ctx.save();
  ctx.font = figureFont(sizePx);
  const w = Math.max(0, ...text.split('\n').map((l) => ctx.measureText(l).width));
  ctx.restore();
  return w;
}
