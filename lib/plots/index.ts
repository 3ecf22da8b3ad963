/**
 * Plotly figure builders (plain JSON `{data, layout}`): confusion matrix, per-class scores, ROC
 * curves, training curves. Draw them with `lib/figure` (PNG, HTML page) and show them in a notebook
 * with `lib/display`.
 */
export * from './classScoresFigure';
export * from './confusionMatrixFigure';
export * from './rocCurvesFigure';
export * from './trainingCurvesFigure';
export * from './writeConfusionFigures';
export * from './probabilitiesFigure';
