/**
 * One training step of the density network, timed in its own worker thread: a failure (e.g. the
 * wasm heap running out at large input sizes) cannot corrupt the benchmark's own backend, and the
 * memory is returned when the worker ends.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '../backend/initBackend';
import { createDensityModel } from '../model/createDensityModel';
import type { WorkerHandler } from '../parallel/createWorkerPool';
import { registerWasmTrainingKernels } from '../train/registerWasmTrainingKernels';
import { summarizeTimes, type TimeSummary } from './summarizeTimes';

/** Start data of {@link createTrainStepWorker}. */
export interface TrainStepInit {
  size: [number, number];
  batch: number;
  warmup: number;
  repeats: number;
  backend?: BackendName;
}

/**
 * Worker factory: `run()` trains `warmup + repeats` steps (Adam, categorical cross-entropy, the
 * Layers model in training mode) and returns the timed steps in ms per image.
 */
export async function createTrainStepWorker(
  init: TrainStepInit,
): Promise<WorkerHandler<null, TimeSummary>> {
  await initBackend({ backend: init.backend, report: null });
  if (tf.getBackend() === 'wasm') registerWasmTrainingKernels();
  return {
    run: async () => {
      const model = createDensityModel({ inputSize: init.size, seed: 0 });
      const [h, w] = init.size;
      const x = tf.randomNormal([init.batch, h, w, 3], 0, 1, 'float32', 3);
      const labels = Array.from({ length: init.batch }, (_, i) => i % 4);
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 4);
      try {
        model.compile({ optimizer: tf.train.adam(1e-4), loss: 'categoricalCrossentropy' });
        const runs: number[] = [];
        for (let r = 0; r < init.warmup + init.repeats; r++) {
          const t0 = performance.now();
          await model.trainOnBatch(x, y);
          if (r >= init.warmup) runs.push((performance.now() - t0) / init.batch);
        }
        return summarizeTimes(runs);
      } finally {
        tf.dispose([x, y]);
        model.dispose();
      }
    },
  };
}
