/**
 * From the scanner to the network: DICOM/PNG reading, windowing to 8 bits, breast segmentation
 * and crop, orientation, pectoral muscle removal in MLO, and the `preprocess` directory run.
 */
export * from './boxBlur';
export * from './chestWallSide';
export * from './connectedComponents';
export * from './decodeJpegLossless';
export * from './decodeRle';
export * from './grayHistogram';
export * from './grayImage';
export * from './mammogramName';
export * from './morphology';
export * from './otsuThreshold';
export * from './preprocessDirectory';
export * from './preprocessFile';
export * from './preprocessMammogram';
export * from './preprocessSteps';
export * from './readDicom';
export * from './readMammogram';
export * from './segmentBreast';
export * from './segmentPectoral';
export * from './transferSyntax';
export * from './windowToGray';
export * from './writeDicom';
