/**
 * The figure renderer's font: Open Sans (plotly.js's default face), shipped as WOFF2 subsets in
 * the npm package `@fontsource/open-sans` (SIL Open Font License 1.1, see its LICENSE), so figures
 * look the same on every machine, with or without system fonts. The subsets (latin, latin-ext,
 * greek, math, symbols; regular and bold) are registered with Skia (`@napi-rs/canvas`) on first
 * use, each under its own family name, and listed in that order in the CSS font stack, so each
 * character comes from the first subset that has it; system fonts (DejaVu Sans, any sans-serif)
 * stay as the last fallback. Registration is idempotent: a re-run notebook cell or a second copy
 * of the library registers nothing twice.
 */
import * as path from 'path';
import type { GlobalFonts as GlobalFontsType } from '@napi-rs/canvas';

const SUBSETS = ['latin', 'latin-ext', 'greek', 'math', 'symbols'] as const;
const WEIGHTS = [400, 700] as const;
const familyOf = (subset: string): string => `BD Open Sans ${subset}`;
const STACK = [...SUBSETS.map((s) => `"${familyOf(s)}"`), '"DejaVu Sans"', 'sans-serif'].join(', ');

function registerBundledFonts(fonts: typeof GlobalFontsType): void {
  if (SUBSETS.every((s) => fonts.has(familyOf(s)))) return;
  // `./package.json` is an exported subpath of @fontsource/open-sans; the font files sit beside it.
  const dir = path.join(
    path.dirname(require.resolve('@fontsource/open-sans/package.json')),
    'files',
  );
  const failed: string[] = [];
  for (const subset of SUBSETS)
    for (const weight of WEIGHTS) {
      const file = path.join(dir, `open-sans-${subset}-${weight}-normal.woff2`);
      if (!fonts.registerFromPath(file, familyOf(subset))) failed.push(path.basename(file));
    }
  if (failed.length && fonts.families.length === 0)
    throw new Error(
      `figure font: could not load ${failed.join(', ')} from ${dir} and no system font exists ` +
        '(reinstall with npm ci)',
    );
}

/**
 * The CSS font shorthand for figure text, registering the bundled fonts on first use.
 * @param sizePx Font size in px (plotly `font.size`; must be > 0).
 * @param bold Bold weight (700) instead of regular (400).
 * @returns e.g. `400 12px "BD Open Sans latin", …, sans-serif`, for a 2-D context's `font`.
 * @throws Error when neither the bundled fonts nor any system font can be loaded.
 */
export function figureFont(sizePx: number, bold = false): string {
  // Loaded at call time: the native canvas binary stays off the library's import path.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { GlobalFonts } = require('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
  registerBundledFonts(GlobalFonts);
  return `${bold ? 700 : 400} ${Math.max(1, sizePx)}px ${STACK}`;
}
