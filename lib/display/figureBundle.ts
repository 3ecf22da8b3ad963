/**
 * Plotly figures in notebooks and files. One display message carries three MIME types, so each
 * front end picks what it can render:
 *
 * - `application/vnd.plotly.v1+json`: the figure as a JSON object (JupyterLab/VS Code plotly renderers);
 * - `text/html`: a `<div>` drawn by plotly.js inlined from `node_modules/plotly.js-dist` (no CDN;
 *   RequireJS-guarded for the classic notebook and exported HTML), holding the PNG as a fallback
 *   until plotly.js draws;
 * - `image/png`: drawn by the project ({@link renderFigurePng}) for GitHub, nbviewer and plain
 *   front ends; plus `text/plain`.
 */
import { randomBytes } from 'crypto';
import { escapeHtml } from './bundles';
import type { PlotlyFigure } from './figure';
import { type MimeBundle, findDisplayWriter, sendDisplay } from './kernel';
import { plotlyScriptTags } from './plotlyJs';
import { plainText, renderFigurePng } from './renderFigurePng';

/** MIME type of plotly figures in Jupyter. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** Options of {@link figureBundle}. */
export interface FigureBundleOptions {
  /** Inline plotly.js in the HTML part (≈ 11 MB). Default true. */
  includePlotlyJs?: boolean;
  /** PNG to embed (default: drawn by {@link renderFigurePng}). */
  png?: Uint8Array;
  /** id of the HTML `<div>` (default random). */
  divId?: string;
}

/** Options of {@link displayFigure}. */
export interface DisplayFigureOptions {
  /**
   * Where the HTML part gets plotly.js: `once` (default) inlines it in the first figure shown in
   * this kernel session and lets later figures reuse `window.Plotly` (keeps notebooks small);
   * `always` inlines it in every figure; `none` never (the PNG fallback stays visible where
   * plotly.js is absent).
   */
  plotlyJs?: 'once' | 'always' | 'none';
}

/**
 * Whether plotly.js was already sent by this process (one kernel session; see `plotlyJs: 'once'`).
 * Module state, not a side effect: it only changes when a figure is displayed.
 */
let plotlyJsSent = false;

function figureTitle(figure: PlotlyFigure): string {
  const t = figure.layout?.title;
  return plainText(typeof t === 'string' ? t : (t?.text ?? '')).replace(/\n/g, ' ');
}

/** JSON safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function figureDiv(figure: PlotlyFigure, divId: string, png: Uint8Array | undefined): string {
  const w = figure.layout?.width ?? 700;
  const h = figure.layout?.height ?? 450;
  const img = png
    ? `<img alt="${escapeHtml(figureTitle(figure) || 'figure')}" src="data:image/png;base64,${Buffer.from(png).toString('base64')}"/>`
    : '';
  // Draw now if plotly.js is loaded; else poll briefly (the loader may be in an earlier output
  // still being parsed); the PNG stays when plotly.js never arrives.
  const script =
    `(function(){var el=document.getElementById(${JSON.stringify(divId)});var fig=${scriptJson(figure)};` +
    `function draw(){el.innerHTML='';window.Plotly.newPlot(el,fig.data,fig.layout||{},Object.assign({displaylogo:false},fig.config||{}));}` +
    `if(window.Plotly){draw();}else{var n=0;var t=setInterval(function(){if(window.Plotly){clearInterval(t);draw();}else if(++n>150){clearInterval(t);}},100);}})();`;
  return (
    `<div id="${divId}" class="breast-density-figure" style="width:${w}px;height:${h}px">${img}</div>\n` +
    `<script type="text/javascript">${script}</script>`
  );
}

const isAxisKey = (k: string): boolean => /^[xy]axis\d*$/.test(k);

/**
 * A copy of the figure as plain JSON, with string titles (`title: 'x'`, accepted by
 * {@link renderFigurePng} and plotly.js 2) rewritten as `{text: 'x'}`, the only form plotly.js 3
 * draws (layout, axes, colorbars).
 */
export function normalizeFigure(figure: PlotlyFigure): PlotlyFigure {
  const copy = JSON.parse(JSON.stringify(figure)) as PlotlyFigure;
  const fix = (o: Record<string, unknown> | undefined): void => {
    if (o && typeof o.title === 'string') o.title = { text: o.title };
  };
  const layout = copy.layout as Record<string, unknown> | undefined;
  if (layout) {
    fix(layout);
    for (const [k, v] of Object.entries(layout))
      if (isAxisKey(k) && v && typeof v === 'object') fix(v as Record<string, unknown>);
  }
  for (const t of copy.data) {
    const colorbar = (t as Record<string, unknown>).colorbar;
    if (colorbar && typeof colorbar === 'object') fix(colorbar as Record<string, unknown>);
  }
  return copy;
}

/**
 * The MIME bundle of a figure (pure: no kernel needed).
 * @param figure Plotly figure as plain JSON.
 * @returns `{'application/vnd.plotly.v1+json': figure (object, titles normalised), 'text/html', 'image/png' (base64), 'text/plain'}`.
 */
export function figureBundle(figure: PlotlyFigure, options: FigureBundleOptions = {}): MimeBundle {
  const png = options.png ?? renderFigurePng(figure);
  // A normalised deep copy: the message holds plain JSON, not the caller's (mutable) object.
  const json = normalizeFigure(figure);
  const divId = options.divId ?? `bd-figure-${randomBytes(6).toString('hex')}`;
  const html =
    ((options.includePlotlyJs ?? true) ? `${plotlyScriptTags()}\n` : '') +
    figureDiv(json, divId, png);
  return {
    [PLOTLY_MIME]: json,
    'text/html': html,
    'image/png': Buffer.from(png).toString('base64'),
    'text/plain': `<plotly figure${figureTitle(figure) ? `: ${figureTitle(figure)}` : ''}; ${figure.data.length} trace(s)>`,
  };
}

/**
 * Show a plotly figure in the notebook as ONE display message with the plotly JSON, HTML and PNG
 * (see the module comment). No-op outside a tslab kernel (nothing is drawn).
 */
export function displayFigure(figure: PlotlyFigure, options: DisplayFigureOptions = {}): void {
  if (!findDisplayWriter()) return;
  const mode = options.plotlyJs ?? 'once';
  const include = mode === 'always' || (mode === 'once' && !plotlyJsSent);
  const sent = sendDisplay(figureBundle(figure, { includePlotlyJs: include }));
  if (sent && include) plotlyJsSent = true;
}

/**
 * A standalone HTML page showing the figure with plotly.js inlined (works offline; ≈ 11 MB).
 * @param figure Plotly figure as plain JSON.
 * @param options `title` of the page (default the figure title).
 */
export function figureHtml(figure: PlotlyFigure, options: { title?: string } = {}): string {
  const title = options.title ?? (figureTitle(figure) || 'figure');
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"/>\n<title>${escapeHtml(title)}</title>\n</head>\n<body>\n` +
    `${plotlyScriptTags()}\n${figureDiv(normalizeFigure(figure), 'figure', undefined)}\n</body>\n</html>\n`
  );
}
