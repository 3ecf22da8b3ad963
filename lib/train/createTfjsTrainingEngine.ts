/**
 * The TF.js training engine: `optimizer.minimize` over the model's trainable variables with
 * TF.js autodiff on the current backend (wasm training kernels registered when needed), TF.js
 * optimisers ({@link createOptimizer}) and TF.js's own (unseeded) dropout.
 */
import * as tf from '@tensorflow/tfjs';
import { createOptimizer, setLearningRate, type OptimizerName } from './createOptimizer';
import { registerWasmTrainingKernels } from './registerWasmTrainingKernels';
import type { TrainingEngine } from './trainingEngine';

/**
 * Create the TF.js engine for `model` (trained in place; kept by the caller).
 * @param optimizerName Optimiser; `learningRate` its initial rate.
 */
export function createTfjsTrainingEngine(
  model: tf.LayersModel,
  optimizerName: OptimizerName,
  learningRate: number,
): TrainingEngine {
  if (tf.getBackend() === 'wasm') registerWasmTrainingKernels();
  const optimizer = createOptimizer(optimizerName, learningRate);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    name: 'tfjs',
    description: `tfjs (${tf.getBackend()} backend, autodiff)`,
    trainStep: async (xs, ys) => {
      let correctT: tf.Tensor | undefined;
      const lossT = optimizer.minimize(
        () => {
          const p = model.apply(xs, { training: true }) as tf.Tensor2D;
          correctT = tf.keep(
            tf.sum(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(ys, 1)), 'float32')),
          );
          return tf.mean(tf.metrics.categoricalCrossentropy(ys, p)) as tf.Scalar;
        },
        true,
        variables,
      );
      try {
        return { loss: lossT!.dataSync()[0], correct: correctT!.dataSync()[0] };
      } finally {
        tf.dispose([lossT!, correctT!]);
      }
    },
    setLearningRate: (lr) => setLearningRate(optimizer, lr),
    syncModel: () => undefined,
    reloadFromModel: () => undefined,
    getOptimizerWeights: () => optimizer.getWeights(),
    setOptimizerWeights: (weights) => optimizer.setWeights(weights),
    randomState: () => null,
    setRandomState: () => undefined,
    dispose: async () => optimizer.dispose(),
  };
}
