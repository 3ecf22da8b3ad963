/**
 * breast-density: the typed library behind the notebooks and the `breast-density` CLI.
 * One folder per concern; every public function is re-exported here.
 */
export * from './backend';
export * from './engine';
export * from './onnx';
export * from './data';
export * from './errors';
export * from './io/atomicWrite';
export * from './keras';
export * from './model';
export * from './modelFiles';
export * from './io/png';
export * from './io/resizeAreaToHeight';
export * from './preprocess';
export * from './progress';
export * from './metrics';
export * from './display';
export * from './predict';
export * from './cam';
export * from './plots';
export * from './bench';
export * from './fast';
export * from './parallel';
export * from './train';
export * from './phantom';
export * from './workflows';
