export * from './createDensityEngine';
export * from './createOnnxEngine';
export * from './createTfjsEngine';
export * from './densityEngine';
export * from './describeDefaultEngine';
export * from './loadOnnxRuntime';
