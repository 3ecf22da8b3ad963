export * from './createWorkerPool';
export * from './imageWorker';
export * from './mapImagesInWorkers';
export * from './predictImageFunction';
export * from './serializeModel';
