/**
 * Notebook display helpers: the only part of the library that talks to the Jupyter kernel. Every
 * function is a no-op outside a tslab kernel (detected when called), and each has a pure
 * counterpart returning the MIME bundle, so everything is testable without a kernel. Figures
 * themselves (types, PNG, HTML) live in `lib/figure`.
 */
export * from './bundles';
export * from './displayFigure';
export * from './figureBundle';
export * from './figureMode';
export * from './initFigures';
export * from './kernel';
export * from './notebookProgress';
export * from './plotlyLoaderBundle';
export * from './printEnvironment';
export * from './setFigureMode';
