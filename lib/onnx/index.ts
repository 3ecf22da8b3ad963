export * from './appendGradientGraph';
export * from './buildCamGradientGraph';
export * from './buildInferenceGraph';
export * from './describeDensityNetwork';
export * from './encodeOnnxModel';
export * from './foldBatchNormalizations';
export * from './onnxGraph';
export * from './vjpRules';
