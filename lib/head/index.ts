/** The classifier-head refit: pooled features, softmax regression by L-BFGS, λ by cross-validation. */
export * from './extractPooledFeatures';
export * from './fitSoftmaxHead';
export * from './chooseHeadL2';
export * from './softmaxHead';
export * from './minimizeLbfgs';
