/**
 * Figures of merit: confusion matrices, accuracy, precision/recall/F1 (sklearn conventions),
 * Cohen's kappa, dense vs non-dense split, bootstrap intervals, ROC/AUC, fusion of views,
 * accuracy by distance to the class boundary.
 * Pure functions on plain arrays.
 */
export * from './accuracy';
export * from './accuracyByMargin';
export * from './argmaxRows';
export * from './bootstrapCi';
export * from './checkLabels';
export * from './cohenKappa';
export * from './confusionMatrix';
export * from './denseSplit';
export * from './evaluateGroups';
export * from './evaluateProbabilities';
export * from './fuseProbabilities';
export * from './metricsJson';
export * from './precisionRecallF1';
export * from './rocCurve';
export * from './formatMetricsReport';
