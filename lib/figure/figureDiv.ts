import { escapeHtml } from './escapeHtml';
import type { PlotlyFigure } from './figure';
import { figureTitle } from './figureTitle';
import { webpPreview } from './webpPreview';

/** JSON safe inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The note shown under the PNG when plotly.js never arrives. */
export const NO_PLOTLY_NOTE =
  'Static picture: plotly.js is not loaded in this page. Run the set-up cell (it calls initFigures()) to make the figures interactive.';

/**
 * The HTML of one figure: a `<div>` that plotly.js draws into, and its script. The figure fits
 * the window: it is as wide as the output area up to its `layout.width` (plotly's `responsive`
 * config, the width left out of the layout) at its `layout.height`. plotly.js must be in the page
 * as `window.Plotly` (loaded by the set-up cell's {@link plotlyScriptTags}, or inlined before the
 * div); the script waits up to 15 s for it. Until then, and for good when it never comes, the
 * div shows the picture (a WebP copy of the PNG, see {@link webpPreview}) with a one-line note
 * saying why it is static.
 * @param figure Plotly figure (titles normalised, see {@link normalizeFigure}).
 * @param divId Element id, unique in the page. @param png PNG of the figure (omitted: no picture).
 */
export function figureDiv(
  figure: PlotlyFigure,
  divId: string,
  png: Uint8Array | undefined,
): string {
  const { width, ...layout } = figure.layout ?? {};
  const w = width ?? 700;
  const h = layout.height ?? 450;
  const fig = {
    ...figure,
    layout,
    config: { displaylogo: false, responsive: true, ...(figure.config ?? {}) },
  };
  const preview = png ? webpPreview(png) : undefined;
  const img = preview
    ? `<img alt="${escapeHtml(figureTitle(figure) || 'figure')}" style="max-width:100%;height:auto" src="data:${preview.mime};base64,${Buffer.from(preview.bytes).toString('base64')}"/>`
    : '';
  // Draw now if plotly.js is loaded; else poll (the loader may be in an earlier output still
  // being parsed); the PNG stays, with the note, when plotly.js never arrives.
  const script =
    `(function(){var el=document.getElementById(${JSON.stringify(divId)});var fig=${scriptJson(fig)};` +
    `function draw(){el.innerHTML='';el.style.height=${JSON.stringify(`${h}px`)};window.Plotly.newPlot(el,fig.data,fig.layout,fig.config);}` +
    `if(window.Plotly){draw();}else{var n=0;var t=setInterval(function(){if(window.Plotly){clearInterval(t);draw();}` +
    `else if(++n>150){clearInterval(t);var p=document.createElement('p');p.style.cssText='color:#777;font-size:85%';` +
    `p.textContent=${JSON.stringify(NO_PLOTLY_NOTE)};el.appendChild(p);}},100);}})();`;
  return (
    `<div id="${divId}" class="breast-density-figure" style="width:100%;max-width:${w}px">${img}</div>\n` +
    `<script type="text/javascript">${script}</script>`
  );
}
