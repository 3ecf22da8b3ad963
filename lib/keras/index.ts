export * from './importKerasFile';
export * from './importKerasModel';
export * from './kerasModelConfig';
export * from './mapKerasWeights';
export * from './openHdf5';
export * from './readKerasHdf5';
export * from './fetchOriginalAssets';
export * from './locateOriginalAssets';
