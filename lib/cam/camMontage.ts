/**
 * Side-by-side sheets of map pictures (input | map | overlay | contours, one row per image) for
 * notebooks and reports.
 */
import * as tf from '@tensorflow/tfjs';
import { drawRasterText } from '../figure/drawRasterText';
import type { Raster } from '../io/png';
import { resizeAreaToHeight } from '../io/resizeAreaToHeight';
import { toRgb8 } from './overlay';

/**
 * Resize an RGB raster to a height, keeping the aspect ratio, by area averaging (nearest when
 * enlarging).
 * @param image 8-bit RGB raster (other formats go through `toRgb8`).
 * @param height Target height in pixels.
 */
export function resizeRasterToHeight(image: Raster, height: number): Raster {
  const src = image.channels === 3 && image.bitDepth === 8 ? image : toRgb8(image);
  const out = resizeAreaToHeight(src.data as Uint8Array, src.width, src.height, 3, height);
  return { width: out.width, height, channels: 3, bitDepth: 8, data: out.data };
}

/** Options of {@link camMontage}. */
export interface MontageOptions {
  /** Height of every cell in pixels (default 256). */
  height?: number;
  /** Gap between cells and around the sheet (default 6). */
  gap?: number;
  /** Background gray 0–255 (default 255, white). */
  background?: number;
  /**
   * A caption under each picture, per row and picture (missing or `''`: none), written with the
   * figure font in a 20-px strip; long captions shrink, then are cut with `…`.
   */
  labels?: string[][];
}

const LABEL_STRIP = 20;

/**
 * Lay out rows of pictures on one sheet, every picture scaled to the same height, optionally
 * with a caption under each.
 * @param rows Pictures per row, left to right.
 * @returns 8-bit RGB raster (encode with `encodePng`, show with `displayPng`).
 */
export function camMontage(rows: Raster[][], options: MontageOptions = {}): Raster {
  tf.util.assert(
    rows.length > 0 && rows.every((r) => r.length > 0),
    () => 'camMontage: no pictures',
  );
  const h = options.height ?? 256;
  const gap = options.gap ?? 6;
  const strip = options.labels?.some((r) => r.some((t) => t)) ? LABEL_STRIP : 0;
  const scaled = rows.map((r) => r.map((img) => resizeRasterToHeight(img, h)));
  const rowWidths = scaled.map((r) => r.reduce((s, img) => s + img.width + gap, gap));
  const width = Math.max(...rowWidths);
  const height = rows.length * (h + strip + gap) + gap;
  const data = new Uint8Array(width * height * 3).fill(options.background ?? 255);
  const captions: { text: string; x: number; y: number; maxWidth: number }[] = [];
  scaled.forEach((row, ri) => {
    let x0 = gap;
    const y0 = gap + ri * (h + strip + gap);
    row.forEach((img, k) => {
      for (let y = 0; y < h; y++) {
        const o = ((y0 + y) * width + x0) * 3;
        data.set(img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3), o);
      }
      const text = options.labels?.[ri]?.[k];
      if (text)
        captions.push({ text, x: x0 + img.width / 2, y: y0 + h + 3, maxWidth: img.width + gap });
      x0 += img.width + gap;
    });
  });
  const sheet: Raster = { width, height, channels: 3, bitDepth: 8, data };
  return captions.length ? drawRasterText(sheet, captions) : sheet;
}
