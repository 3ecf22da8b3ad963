import { escapeHtml } from './escapeHtml';
import type { PlotlyFigure } from './figure';
import { figureDiv } from './figureDiv';
import { figureTitle } from './figureTitle';
import { normalizeFigure } from './normalizeFigure';
import { plotlyScriptTags } from './plotlyJs';

/**
 * A standalone HTML page showing the figure with the minified plotly.js inlined (works offline;
 * ≈ 4.9 MB), as wide as the window up to the figure's width.
 * @param figure Plotly figure as plain JSON.
 * @param options `title` of the page (default the figure title).
 */
export function figureHtml(figure: PlotlyFigure, options: { title?: string } = {}): string {
  const title = options.title ?? (figureTitle(figure) || 'figure');
  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"/>\n<meta name="viewport" content="width=device-width, initial-scale=1"/>\n<title>${escapeHtml(title)}</title>\n</head>\n<body>\n` +
    `${plotlyScriptTags()}\n${figureDiv(normalizeFigure(figure), 'figure', undefined)}\n</body>\n</html>\n`
  );
}
