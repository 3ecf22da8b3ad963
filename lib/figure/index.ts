/**
 * Figures as data: the plotly figure types, colors and colorscales, the PNG renderer (Skia via
 * `@napi-rs/canvas`, with a bundled font) and standalone HTML pages. Nothing here talks to the
 * notebook kernel (that is `lib/display`), so the CLI, the figure builders of `lib/plots` and
 * tests use it directly.
 */
export * from './figure';
export { PLOTLY_COLORSCALES, PLOTLY_COLORWAY, resolveColorscale } from './colors';
export { escapeHtml } from './escapeHtml';
export { figureHtml } from './figureHtml';
export { normalizeFigure } from './normalizeFigure';
export { plainText } from './plainText';
export * from './plotlyJs';
export * from './renderFigurePng';
