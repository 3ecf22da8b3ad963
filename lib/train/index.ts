export * from './registerWasmTrainingKernels';
export * from './registerBatchNormGradient';
