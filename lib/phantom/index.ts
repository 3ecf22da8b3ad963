/** Synthetic mammography phantoms with ground-truth dense tissue, and phantom datasets. */
export * from './densityClass';
export * from './powerLawNoise';
export * from './distanceToBackground';
export * from './breastShape';
export * from './generatePhantom';
export * from './encodeGray8Png';
export * from './phantomMask';
export * from './manifest';
export * from './generatePhantomDataset';
export * from './sideBySide';
export * from './renderPhantomFiles';
export * from './createRawPhantom';
