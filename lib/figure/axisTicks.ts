import type { SKRSContext2D } from '@napi-rs/canvas';
import { axisPosition } from './axisPosition';
import type { FigureAxis } from './figureAxis';
import { type Tick, numericTicks } from './numericTicks';
import { plainText } from './plainText';
import { textWidth } from './textWidth';

/**
 * The ticks of an axis: its `tickvals`/`ticktext` when given; on a category axis every category
 * that fits (every k-th when the labels would overlap); else nice numbers about every 70 px (x)
 * or 45 px (y).
 * @param ctx A 2-D context, to measure category labels. @param fontSize Tick font size in px.
 */
export function axisTicks(ctx: SKRSContext2D, a: FigureAxis, fontSize: number): Tick[] {
  if (a.spec.tickvals) {
    return a.spec.tickvals.map((v, i) => ({
      value: axisPosition(a, v),
      label: a.spec.ticktext?.[i] !== undefined ? plainText(a.spec.ticktext[i]) : String(v),
    }));
  }
  if (a.categories) {
    const n = a.categories.length;
    const room = Math.abs(a.p1 - a.p0);
    const widest = Math.max(1, ...a.categories.map((s) => textWidth(ctx, s, fontSize)));
    const per = a.isX ? widest + 8 : Math.round(fontSize * 1.3) + 2;
    const stride = Math.max(1, Math.ceil((n * per) / Math.max(1, room)));
    return a.categories
      .map((label, value) => ({ value, label }))
      .filter((_, i) => i % stride === 0);
  }
  const count = Math.max(2, Math.round(Math.abs(a.p1 - a.p0) / (a.isX ? 70 : 45)));
  return numericTicks(a.range[0], a.range[1], count);
}
