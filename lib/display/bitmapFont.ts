/**
 * Bitmap text for the PNG figure renderer, using jimp's bundled Open Sans bitmap fonts (BMFont
 * XML + glyph atlas PNG, Apache-2.0, shipped in `@jimp/plugin-print`). The black variants are used
 * as coverage masks (their alpha channel), so text can be drawn in any color. Loading is
 * synchronous and lazy (first use), so figures render without `await`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { decodePng } from '../io/png';

/** Pixel sizes of the bundled fonts. */
export const FONT_SIZES = [8, 10, 12, 14, 16, 32, 64, 128] as const;

interface Glyph {
  x: number;
  y: number;
  width: number;
  height: number;
  xoffset: number;
  yoffset: number;
  xadvance: number;
}

/** A loaded bitmap font: glyph metrics and an 8-bit coverage atlas. */
export interface BitmapFont {
  /** Nominal size in px. */
  size: number;
  /** Line height in px. */
  lineHeight: number;
  /** Baseline offset from the top of a line, px. */
  base: number;
  glyphs: Map<number, Glyph>;
  kernings: Map<string, number>;
  /** Atlas width in px. */
  atlasWidth: number;
  /** Coverage 0..255, row-major, atlasWidth × atlasHeight. */
  coverage: Uint8Array;
}

const cache = new Map<number, BitmapFont>();

function fontFile(size: number): string {
  // `jimp/fonts` maps names to absolute .fnt paths. Loaded at call time (and through require, so
  // that node10 type resolution, which cannot see the `exports` subpath, is not involved).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fonts = require('jimp/fonts') as Record<string, string>;
  const file = fonts[`SANS_${size}_BLACK`];
  if (!file || !fs.existsSync(file))
    throw new Error(`jimp's bundled font SANS_${size}_BLACK not found (is jimp installed?)`);
  return file;
}

function attrs(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/(\w+)="([^"]*)"/g)) out[m[1]] = m[2];
  return out;
}

/**
 * Load (once per process) the bundled font whose size is closest to `px`.
 * @param px Wanted size in px (plotly font size).
 */
export function loadBitmapFont(px: number): BitmapFont {
  const size = FONT_SIZES.reduce((best, s) => (Math.abs(s - px) < Math.abs(best - px) ? s : best));
  const hit = cache.get(size);
  if (hit) return hit;
  const file = fontFile(size);
  const xml = fs.readFileSync(file, 'utf8');
  const common = attrs(/<common [^>]*>/.exec(xml)?.[0] ?? '');
  const page = attrs(/<page [^>]*>/.exec(xml)?.[0] ?? '');
  if (!page.file) throw new Error(`${file}: no <page file=…> in the font`);
  const atlas = decodePng(fs.readFileSync(path.join(path.dirname(file), page.file)), page.file);
  const coverage = new Uint8Array(atlas.width * atlas.height);
  for (let i = 0; i < coverage.length; i++) {
    coverage[i] =
      atlas.channels === 4 ? atlas.data[i * 4 + 3] : 255 - atlas.data[i * atlas.channels];
  }
  const glyphs = new Map<number, Glyph>();
  for (const m of xml.matchAll(/<char [^>]*>/g)) {
    const a = attrs(m[0]);
    glyphs.set(Number(a.id), {
      x: Number(a.x),
      y: Number(a.y),
      width: Number(a.width),
      height: Number(a.height),
      xoffset: Number(a.xoffset),
      yoffset: Number(a.yoffset),
      xadvance: Number(a.xadvance),
    });
  }
  const kernings = new Map<string, number>();
  for (const m of xml.matchAll(/<kerning [^>]*>/g)) {
    const a = attrs(m[0]);
    kernings.set(`${a.first},${a.second}`, Number(a.amount));
  }
  const font: BitmapFont = {
    size,
    lineHeight: Number(common.lineHeight),
    base: Number(common.base),
    glyphs,
    kernings,
    atlasWidth: atlas.width,
    coverage,
  };
  cache.set(size, font);
  return font;
}

/** Glyph for a character code, falling back to `?` for characters the font lacks. */
export function glyphFor(font: BitmapFont, code: number): Glyph | undefined {
  return font.glyphs.get(code) ?? font.glyphs.get(63);
}

/** Width in px of one line of text. */
export function measureLine(font: BitmapFont, text: string): number {
  let w = 0;
  let prev = -1;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 63;
    const g = glyphFor(font, code);
    if (!g) continue;
    w += g.xadvance + (font.kernings.get(`${prev},${code}`) ?? 0);
    prev = code;
  }
  return w;
}
