/**
 * Prediction files: the original probability format (`%.18e`), the CSV written beside it, labels
 * files; and running a model over a dataset.
 */
export * from './labelsFile';
export * from './predictionCsv';
export * from './predictionFile';
export * from './readTextInput';
export * from './forwardFunction';
export * from './predictDataset';
export * from './predictItems';
export * from './loadPredictionFolder';
