/**
 * The TF.js training engine: `optimizer.minimize` over the model's trainable variables with
 * TF.js autodiff on the current backend (wasm training kernels registered when needed), TF.js
 * optimisers ({@link createOptimizer}), and dropout masks from the project's seeded generator
 * ({@link createDropoutMasks}, the ONNX Runtime engine's stream; position saved in checkpoints), so
 * a run repeats and the two engines see the same masks at every step.
 */
import * as tf from '@tensorflow/tfjs';
import { applyWithDropoutMasks } from './applyWithDropoutMasks';
import { createDropoutMasks } from './createDropoutMasks';
import { createOptimizer, setLearningRate, type OptimizerName } from './createOptimizer';
import { registerWasmTrainingKernels } from './registerWasmTrainingKernels';
import type { TrainingEngine } from './trainingEngine';

/**
 * Create the TF.js engine for `model` (trained in place; kept by the caller).
 * @param optimizerName Optimiser; `learningRate` its initial rate.
 * @param seed The run's seed (its dropout stream).
 */
export function createTfjsTrainingEngine(
  model: tf.LayersModel,
  optimizerName: OptimizerName,
  learningRate: number,
  seed: number,
): TrainingEngine {
  if (tf.getBackend() === 'wasm') registerWasmTrainingKernels();
  const optimizer = createOptimizer(optimizerName, learningRate);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const dropout = createDropoutMasks(seed);
  const dropoutLayers = model.layers
    .filter((l) => l.getClassName() === 'Dropout')
    .map((l) => {
      const [, h, w, c] = (l.input as tf.SymbolicTensor).shape;
      const rate = (l.getConfig() as { rate: number }).rate;
      return { name: l.name, nchw: [-1, Number(c), Number(h), Number(w)], rate };
    });
  // Masks drawn in NCHW order (as the ONNX graph takes them), used NHWC.
  const masksFor = (n: number): Map<string, tf.Tensor> =>
    new Map(
      dropoutLayers.map((d) => {
        const [, c, h, w] = d.nchw;
        const nchw = tf.tensor4d(dropout.draw(n, d.nchw, d.rate), [n, c, h, w]);
        const nhwc = tf.transpose(nchw, [0, 2, 3, 1]);
        nchw.dispose();
        return [d.name, nhwc];
      }),
    );
  return {
    name: 'tfjs',
    description: `tfjs (${tf.getBackend()} backend, autodiff)`,
    trainStep: async (xs, ys) => {
      let correctT: tf.Tensor | undefined;
      const masks = masksFor(xs.shape[0]);
      const lossT = optimizer.minimize(
        () => {
          const p = applyWithDropoutMasks(model, xs, masks) as tf.Tensor2D;
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
        tf.dispose([lossT!, correctT!, ...masks.values()]);
      }
    },
    setLearningRate: (lr) => setLearningRate(optimizer, lr),
    syncModel: () => undefined,
    reloadFromModel: () => undefined,
    getOptimizerWeights: () => optimizer.getWeights(),
    setOptimizerWeights: (weights) => optimizer.setWeights(weights),
    randomState: () => dropout.state(),
    setRandomState: (state) => dropout.setState(state),
    dispose: async () => optimizer.dispose(),
  };
}
