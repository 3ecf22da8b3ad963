export * from './createInferenceModel';
export * from './foldBatchNorm';
export * from './fastCamGradients';
