import type { Rgba } from './colors';

/**
 * A CSS color string for a 2-D canvas context.
 * @param c RGBA, 0..255 per channel.
 * @returns `rgba(r,g,b,a)` with `a` in 0..1.
 */
export function cssColor(c: Rgba): string {
  return `rgba(${c[0]},${c[1]},${c[2]},${c[3] / 255})`;
}
