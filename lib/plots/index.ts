/**
 * Plotly figure builders (plain JSON `{data, layout}`): confusion matrix, per-class scores, ROC
 * curves, training curves. Show them with `lib/display` (inline in a notebook, PNG, HTML).
 */
export * from './classScoresFigure';
export * from './confusionMatrixFigure';
export * from './rocCurvesFigure';
export * from './trainingCurvesFigure';
export * from './writeConfusionFigures';
export * from './probabilitiesFigure';
