/**
 * The optimisers of the original training script, with Keras 2.2.4 defaults:
 *
 * | name           | Keras                                   | TF.js                                   |
 * |----------------|-----------------------------------------|-----------------------------------------|
 * | `sgd`          | `SGD()` lr 0.01, no momentum (the final run) | `tf.train.sgd(lr)`                 |
 * | `sgd-nesterov` | `SGD(lr, momentum=0.9, nesterov=True)`  | `tf.train.momentum(lr, 0.9, true)`      |
 * | `rmsprop`      | `RMSprop()` lr 0.001, rho 0.9, ε 1e-7    | `tf.train.rmsprop(lr, 0.9, 0, 1e-7)`    |
 * | `adam`         | `Adam()` lr 0.001, β 0.9/0.999, ε 1e-7   | `tf.train.adam(lr, 0.9, 0.999, 1e-7)`   |
 *
 * These are the TF.js engine's optimisers; the ONNX Runtime engine uses Keras's own formulas
 * (`createKerasOptimizer`, which also says where TF.js differs).
 *
 * Reference: Y. Nesterov, "A method for solving the convex programming problem with convergence
 * rate O(1/k²)", 1983 (Nesterov momentum as in I. Sutskever et al., ICML 2013); T. Tieleman,
 * G. Hinton, "Lecture 6.5 – RMSprop", COURSERA: Neural Networks for Machine Learning, 2012.
 */
import * as tf from '@tensorflow/tfjs';

/** Optimiser names accepted by {@link createOptimizer} (and `breast-density train --optimizer`). */
export const OPTIMIZER_NAMES = ['sgd', 'sgd-nesterov', 'rmsprop', 'adam'] as const;
/** One of {@link OPTIMIZER_NAMES}. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Keras default learning rates per optimiser. */
export const DEFAULT_LEARNING_RATES: Readonly<Record<OptimizerName, number>> = Object.freeze({
  sgd: 0.01,
  'sgd-nesterov': 0.01,
  rmsprop: 0.001,
  adam: 0.001,
});

/** Momentum used by `sgd-nesterov`. */
export const NESTEROV_MOMENTUM = 0.9;

/** Whether `name` is one of {@link OPTIMIZER_NAMES}. */
export function isOptimizerName(name: string): name is OptimizerName {
  return (OPTIMIZER_NAMES as readonly string[]).includes(name);
}

/**
 * Create an optimiser.
 * @param name One of {@link OPTIMIZER_NAMES}.
 * @param learningRate Positive learning rate; default {@link DEFAULT_LEARNING_RATES}[name].
 * @returns A new TF.js optimiser; the caller disposes it (`optimizer.dispose()`).
 */
export function createOptimizer(name: OptimizerName, learningRate?: number): tf.Optimizer {
  const lr = learningRate ?? DEFAULT_LEARNING_RATES[name];
  tf.util.assert(lr > 0 && Number.isFinite(lr), () => `learning rate must be > 0, got ${lr}`);
  switch (name) {
    case 'sgd':
      return tf.train.sgd(lr);
    case 'sgd-nesterov':
      return tf.train.momentum(lr, NESTEROV_MOMENTUM, true);
    case 'rmsprop':
      return tf.train.rmsprop(lr, 0.9, 0, 1e-7);
    case 'adam':
      return tf.train.adam(lr, 0.9, 0.999, 1e-7);
    default:
      throw new Error(
        `unknown optimizer "${String(name)}", expected one of ${OPTIMIZER_NAMES.join(', ')}`,
      );
  }
}

/**
 * Change the learning rate of an optimiser made by {@link createOptimizer}, keeping its state
 * (momentum and RMS accumulators).
 * @param optimizer SGD, momentum or RMSprop optimiser.
 * @param learningRate New positive learning rate.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  tf.util.assert(learningRate > 0, () => `learning rate must be > 0, got ${learningRate}`);
  // Class names, not instanceof: TF.js optimisers define Symbol.hasInstance by duck typing.
  const kind = optimizer.getClassName();
  if (kind === 'SGD' || kind === 'Momentum') {
    // SGD and Momentum (a subclass) keep a cached −lr scalar that setLearningRate replaces.
    (optimizer as tf.SGDOptimizer).setLearningRate(learningRate);
  } else if (kind === 'RMSProp' || kind === 'Adam') {
    // RMSprop and Adam read the plain (protected) field at every step.
    (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
  } else {
    throw new Error(`setLearningRate: unsupported optimizer ${optimizer.getClassName()}`);
  }
}

/**
 * The learning rate an optimiser made by {@link createOptimizer} currently uses.
 */
export function getLearningRate(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as { learningRate: number }).learningRate;
}
