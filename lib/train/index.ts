/** Training: the original recipe, wasm training kernels, checkpoints, resume, history files. */
export * from './registerWasmTrainingKernels';
export * from './registerBatchNormGradient';
export * from './createOptimizer';
export * from './createKerasOptimizer';
export * from './reduceLrOnPlateau';
export * from './trainingHistory';
export * from './trainCheckpoint';
export * from './trainDensityModel';
export * from './createModelCheckpointCallback';
export * from './recalibrateBatchNorm';
export * from './selectTrainingEngine';
export * from './trainingEngine';
export * from './createDropoutMasks';
export * from './applyWithDropoutMasks';
export * from './formatModelReadme';
