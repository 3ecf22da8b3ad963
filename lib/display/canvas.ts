/**
 * A minimal RGBA raster with the drawing operations the PNG figure renderer needs: filled
 * rectangles, lines, circles and bitmap text (horizontal or rotated 90° counter-clockwise), all
 * alpha-blended. Synchronous, no native code.
 */
import type { Rgba } from './colors';
import { type BitmapFont, glyphFor, measureLine } from './bitmapFont';

/** An 8-bit RGBA image being drawn. */
export interface Canvas {
  width: number;
  height: number;
  /** Row-major RGBA, length width·height·4. */
  data: Uint8Array;
}

/** A canvas filled with `background`. */
export function createCanvas(width: number, height: number, background: Rgba): Canvas {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(background, i);
  return { width, height, data };
}

/** Blend `color` with coverage `alpha` (0..1) into pixel (x, y); outside pixels are ignored. */
export function blendPixel(c: Canvas, x: number, y: number, color: Rgba, alpha = 1): void {
  if (x < 0 || y < 0 || x >= c.width || y >= c.height) return;
  const a = (color[3] / 255) * alpha;
  if (a <= 0) return;
  const i = (y * c.width + x) * 4;
  const d = c.data;
  d[i] = Math.round(d[i] + (color[0] - d[i]) * a);
  d[i + 1] = Math.round(d[i + 1] + (color[1] - d[i + 1]) * a);
  d[i + 2] = Math.round(d[i + 2] + (color[2] - d[i + 2]) * a);
  d[i + 3] = Math.round(d[i + 3] + (255 - d[i + 3]) * a);
}

/** Fill the rectangle [x0, x1) × [y0, y1) (pixel edges rounded). */
export function fillRect(
  c: Canvas,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  color: Rgba,
): void {
  const xa = Math.max(0, Math.round(Math.min(x0, x1)));
  const xb = Math.min(c.width, Math.round(Math.max(x0, x1)));
  const ya = Math.max(0, Math.round(Math.min(y0, y1)));
  const yb = Math.min(c.height, Math.round(Math.max(y0, y1)));
  for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) blendPixel(c, x, y, color);
}

/** Draw a line of `width` px (square brush); `dash` = [on, off] lengths in px. */
export function drawLine(
  c: Canvas,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  color: Rgba,
  width = 1,
  dash?: [number, number],
): void {
  const len = Math.hypot(x1 - x0, y1 - y0);
  const steps = Math.max(1, Math.ceil(len * 2));
  const r = (width - 1) / 2;
  let lastKey = '';
  for (let s = 0; s <= steps; s++) {
    const t = s / steps;
    if (dash) {
      const along = t * len;
      if (along % (dash[0] + dash[1]) > dash[0]) continue;
    }
    const x = x0 + (x1 - x0) * t;
    const y = y0 + (y1 - y0) * t;
    const key = `${Math.round(x)},${Math.round(y)}`;
    if (key === lastKey) continue;
    lastKey = key;
    for (let dy = Math.round(y - r); dy <= Math.round(y + r); dy++)
      for (let dx = Math.round(x - r); dx <= Math.round(x + r); dx++) blendPixel(c, dx, dy, color);
  }
}

/** Fill a disc of radius `radius` px centred on (cx, cy). */
export function fillCircle(c: Canvas, cx: number, cy: number, radius: number, color: Rgba): void {
  for (let y = Math.floor(cy - radius); y <= Math.ceil(cy + radius); y++)
    for (let x = Math.floor(cx - radius); x <= Math.ceil(cx + radius); x++) {
      const d = Math.hypot(x - cx, y - cy);
      if (d <= radius + 0.5) blendPixel(c, x, y, color, Math.min(1, radius + 0.5 - d));
    }
}

/** Horizontal / vertical anchor of a text box. */
export type Anchor = 'start' | 'middle' | 'end';

/**
 * Draw one or more lines (`\n`) of text. Horizontal text is anchored at (x, y) by `hAnchor`
 * (start = left) and `vAnchor` (start = top). With `rotate` the text runs bottom-to-top (as a
 * y-axis title) and the anchors apply to the rotated box.
 * @returns The drawn box size in px, before rotation: `{width, height}`.
 */
export function drawText(
  c: Canvas,
  font: BitmapFont,
  text: string,
  x: number,
  y: number,
  color: Rgba,
  options: { hAnchor?: Anchor; vAnchor?: Anchor; rotate?: boolean } = {},
): { width: number; height: number } {
  const lines = text.split('\n');
  const widths = lines.map((l) => measureLine(font, l));
  const boxW = Math.max(0, ...widths);
  const boxH = lines.length * font.lineHeight;
  const hA = options.hAnchor ?? 'start';
  const vA = options.vAnchor ?? 'start';
  const shift = (a: Anchor, size: number): number =>
    a === 'start' ? 0 : a === 'middle' ? size / 2 : size;
  // Top-left of the box in screen coordinates (rotated box is boxH wide, boxW tall).
  const left = Math.round(x - shift(hA, options.rotate ? boxH : boxW));
  const top = Math.round(y - shift(vA, options.rotate ? boxW : boxH));
  lines.forEach((line, li) => {
    let pen = Math.round((boxW - widths[li]) / 2);
    let prev = -1;
    for (const ch of line) {
      const code = ch.codePointAt(0) ?? 63;
      const g = glyphFor(font, code);
      if (!g) continue;
      pen += font.kernings.get(`${prev},${code}`) ?? 0;
      for (let gy = 0; gy < g.height; gy++)
        for (let gx = 0; gx < g.width; gx++) {
          const cov = font.coverage[(g.y + gy) * font.atlasWidth + g.x + gx];
          if (cov === 0) continue;
          // Unrotated box coordinates.
          const bx = pen + g.xoffset + gx;
          const by = li * font.lineHeight + g.yoffset + gy;
          const [px, py] = options.rotate
            ? [left + by, top + boxW - 1 - bx]
            : [left + bx, top + by];
          blendPixel(c, px, py, color, cov / 255);
        }
      pen += g.xadvance;
      prev = code;
    }
  });
  return { width: boxW, height: boxH };
}
