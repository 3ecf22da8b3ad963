/**
 * Notebook display helpers: the only part of the library that talks to the Jupyter kernel. Every
 * function is a no-op outside a tslab kernel (detected when called), and each has a pure
 * counterpart returning the MIME bundle, so everything is testable without a kernel.
 */
export * from './bundles';
export { PLOTLY_COLORSCALES, PLOTLY_COLORWAY, resolveColorscale } from './colors';
export * from './figure';
export * from './figureBundle';
export * from './kernel';
export * from './notebookProgress';
export * from './plotlyJs';
export * from './printEnvironment';
export * from './renderFigurePng';
