/**
 * Plotly figures in notebooks. One display message carries several MIME types, so each front
 * end picks what it can render:
 *
 * - `application/vnd.plotly.v1+json`: the figure as a JSON object (JupyterLab/VS Code plotly renderers);
 * - `text/html`: a `<div>` drawn by plotly.js (loaded by the set-up cell's {@link initFigures},
 *   or inlined; RequireJS-guarded for the classic notebook and exported HTML), as wide as the
 *   output area up to the figure's width, holding the PNG as a fallback until plotly.js draws;
 * - `image/png`: drawn by the project ({@link renderFigurePng}) for GitHub, nbviewer and plain
 *   front ends; plus `text/plain`.
 *
 * In PNG-only mode ({@link FigureMode}) only `image/png` and `text/plain` are sent.
 */
import { randomBytes } from 'crypto';
import type { PlotlyFigure } from '../figure/figure';
import { figureDiv } from '../figure/figureDiv';
import { figureTitle } from '../figure/figureTitle';
import { normalizeFigure } from '../figure/normalizeFigure';
import { plotlyScriptTags } from '../figure/plotlyJs';
import { renderFigurePng } from '../figure/renderFigurePng';
import type { MimeBundle } from './kernel';

/** MIME type of plotly figures in Jupyter. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** Options of {@link figureBundle}. */
export interface FigureBundleOptions {
  /** Inline the minified plotly.js in the HTML part (≈ 4.9 MB). Default true. */
  includePlotlyJs?: boolean;
  /** Only the PNG and the plain text (no plotly JSON, no HTML). Default false. */
  pngOnly?: boolean;
  /** PNG to embed (default: drawn by {@link renderFigurePng}). */
  png?: Uint8Array;
  /** id of the HTML `<div>` (default random). */
  divId?: string;
}

/**
 * The MIME bundle of a figure (pure: no kernel needed).
 * @param figure Plotly figure as plain JSON (not modified).
 * @returns `{'application/vnd.plotly.v1+json': figure (object, titles normalised), 'text/html',
 *   'image/png' (base64), 'text/plain'}`; with `pngOnly` just the last two.
 */
export function figureBundle(figure: PlotlyFigure, options: FigureBundleOptions = {}): MimeBundle {
  const png = options.png ?? renderFigurePng(figure);
  const title = figureTitle(figure);
  const base = {
    'image/png': Buffer.from(png).toString('base64'),
    'text/plain': `<plotly figure${title ? `: ${title}` : ''}; ${figure.data.length} trace(s)>`,
  };
  if (options.pngOnly) return base;
  // A normalised deep copy: the message holds plain JSON, not the caller's (mutable) object.
  const json = normalizeFigure(figure);
  const divId = options.divId ?? `bd-figure-${randomBytes(6).toString('hex')}`;
  const html =
    ((options.includePlotlyJs ?? true) ? `${plotlyScriptTags()}\n` : '') +
    figureDiv(json, divId, png);
  return { [PLOTLY_MIME]: json, 'text/html': html, ...base };
}
