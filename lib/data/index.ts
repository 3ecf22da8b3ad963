/** Image loading, the Keras-faithful network input, directory datasets, augmentation, RNG. */
export * from './createRng';
export * from './loadImage';
export * from './preprocessForNetwork';
export * from './loadNetworkBatch';
export * from './augmentImage';
export * from './readImageDataset';
export * from './datasetBatches';
export * from './imageRef';
export * from './parseImageName';
export * from './parseImagePath';
export * from './createInlineImageLoader';
export * from './createWorkerImageLoader';
export * from './loadImageWorker';
