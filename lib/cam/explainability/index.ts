export * from './attentionRatio';
export * from './confidenceChange';
export * from './explainabilityFigure';
export * from './imageScorer';
export * from './measureExplainability';
export * from './perturbationCurves';
export * from './summarizeExplainability';
