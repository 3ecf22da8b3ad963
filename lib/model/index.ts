export * from './constants';
export * from './createDensityModel';
export * from './modelSummary';
