export * from './createInferenceModel';
export * from './foldBatchNorm';
