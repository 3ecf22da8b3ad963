/**
 * One training step of the density network on ONNX Runtime (the default training engine,
 * `createOnnxTrainingEngine`): forward in training mode, softmax cross-entropy, every parameter
 * gradient, SGD-Nesterov update — timed in this process, batch 4, ms per image.
 */
import * as tf from '@tensorflow/tfjs';
import { createDensityModel } from '../model/createDensityModel';
import { createOnnxTrainingEngine } from '../train/createOnnxTrainingEngine';
import { summarizeTimes, type TimeSummary } from './summarizeTimes';

/**
 * Time `warmup + repeats` ORT training steps on random images.
 * @param size `[height, width]`.
 * @param batch Images per step (the bench uses 4, the original recipe's batch).
 * @returns Per-image wall-clock summary of the timed steps, and the peak resident memory (MB)
 *   after them (whole process).
 */
export async function timeOnnxTrainStep(
  size: [number, number],
  batch: number,
  warmup: number,
  repeats: number,
): Promise<{ step: TimeSummary; peakRssMb: number }> {
  const model = createDensityModel({ inputSize: size, seed: 0 });
  const engine = await createOnnxTrainingEngine(model, {
    optimizer: 'sgd-nesterov',
    learningRate: 1e-3,
    seed: 0,
  });
  const xs = tf.randomNormal([batch, size[0], size[1], 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const ys = tf
    .oneHot(
      tf.tensor1d(
        Array.from({ length: batch }, (_, i) => i % 4),
        'int32',
      ),
      4,
    )
    .toFloat() as tf.Tensor2D;
  try {
    const runs: number[] = [];
    for (let r = 0; r < warmup + repeats; r++) {
      const t0 = performance.now();
      await engine.trainStep(xs, ys);
      if (r >= warmup) runs.push((performance.now() - t0) / batch);
    }
    return { step: summarizeTimes(runs), peakRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    tf.dispose([xs, ys]);
    await engine.dispose();
    model.dispose();
  }
}
