import type { Raster } from '../io/png';
import type { Rgba } from './colors';
import { drawText } from './drawText';
import { textWidth } from './textWidth';

/** One caption for {@link drawRasterText}. */
export interface RasterCaption {
  text: string;
  /** Centre x and top y of the text, px. */
  x: number;
  y: number;
  /** Widest the text may be, px: it shrinks (down to 8 px) and is then cut with `…`. */
  maxWidth: number;
}

/**
 * Write captions onto an 8-bit RGB raster with the figure font (anti-aliased, Skia through
 * `@napi-rs/canvas`).
 * @param image 8-bit RGB raster (not modified).
 * @param captions Texts, each centred on `x` below `y`.
 * @param options `size` in px (default 13), `color` (default dark gray #444).
 * @returns A new 8-bit RGB raster of the same size.
 */
export function drawRasterText(
  image: Raster,
  captions: RasterCaption[],
  options: { size?: number; color?: Rgba } = {},
): Raster {
  if (image.channels !== 3 || image.bitDepth !== 8)
    throw new RangeError(
      `drawRasterText: expected an 8-bit RGB raster, got ${image.channels} channel(s), ${image.bitDepth} bit`,
    );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createCanvas } = require('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
  const { width, height } = image;
  const ctx = createCanvas(width, height).getContext('2d');
  const rgba = ctx.createImageData(width, height);
  for (let p = 0; p < width * height; p++) {
    rgba.data.set(image.data.subarray(p * 3, p * 3 + 3), p * 4);
    rgba.data[p * 4 + 3] = 255;
  }
  ctx.putImageData(rgba, 0, 0);
  const color = options.color ?? [68, 68, 68, 255];
  for (const c of captions) {
    let size = options.size ?? 13;
    while (size > 8 && textWidth(ctx, c.text, size) > c.maxWidth) size--;
    let text = c.text;
    while (text.length > 1 && textWidth(ctx, text, size) > c.maxWidth)
      text = `${text.slice(0, -2)}…`;
    drawText(ctx, text, c.x, c.y, { size, color, hAnchor: 'middle' });
  }
  const out = ctx.getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(out.subarray(p * 4, p * 4 + 3), p * 3);
  return { width, height, channels: 3, bitDepth: 8, data };
}
