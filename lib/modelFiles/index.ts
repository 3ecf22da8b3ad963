export * from './loadDensityModel';
export * from './modelMetadata';
export * from './saveDensityModel';
