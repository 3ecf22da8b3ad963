/**
 * A training step of the density network on ONNX Runtime (the default training engine,
 * `createOnnxTrainingEngine`), kept open so that steps can be timed one at a time: forward in
 * training mode, softmax cross-entropy, every parameter gradient and the SGD-Nesterov update, on
 * fixed random images (seeded), as a training run does them. The first two steps are slow (the
 * first plans the memory, the second allocates and first touches it: 1.3–1.5× a later step at
 * 256×256, 2× at 650×650); time the steps after them.
 */
import * as tf from '@tensorflow/tfjs';
import { createDensityModel } from '../model/createDensityModel';
import { createOnnxTrainingEngine } from '../train/createOnnxTrainingEngine';

/** An open training step; the caller closes it. */
export interface OnnxTrainStep {
  /** Run one step; resolves with its wall-clock time in ms per image. */
  step(): Promise<number>;
  /** Release the session, the model and the batch. */
  close(): Promise<void>;
}

/**
 * Open a training step.
 * @param size `[height, width]` of the input, pixels.
 * @param batch Images per step (the bench uses 4, the original recipe's batch).
 * @returns The open step (nothing is run yet).
 */
export async function openOnnxTrainStep(
  size: [number, number],
  batch: number,
): Promise<OnnxTrainStep> {
  const model = createDensityModel({ inputSize: size, seed: 0 });
  const engine = await createOnnxTrainingEngine(model, {
    optimizer: 'sgd-nesterov',
    learningRate: 1e-3,
    seed: 0,
  }).catch((e: unknown) => {
    model.dispose();
    throw e;
  });
  const xs = tf.randomNormal([batch, size[0], size[1], 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const ys = tf.tidy(() =>
    tf
      .oneHot(
        tf.tensor1d(
          Array.from({ length: batch }, (_, i) => i % 4),
          'int32',
        ),
        4,
      )
      .toFloat(),
  ) as tf.Tensor2D;
  return {
    step: async () => {
      const t0 = performance.now();
      await engine.trainStep(xs, ys);
      return (performance.now() - t0) / batch;
    },
    close: async () => {
      tf.dispose([xs, ys]);
      await engine.dispose();
      model.dispose();
    },
  };
}
