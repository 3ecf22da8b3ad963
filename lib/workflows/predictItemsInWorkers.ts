/**
 * `predictItems` spread over worker threads: each worker loads, preprocesses and predicts whole
 * batches of images with its own backend and fast inference model; rows come back in input
 * order, identical to a single-threaded run.
 */
import * as tf from '@tensorflow/tfjs';
import * as path from 'path';
import type { ImageRef } from '../data/imageRef';
import type { LoadImageOptions } from '../data/loadImage';
import { createProgress } from '../progress/createProgress';
import { headActivation } from '../predict/forwardFunction';
import {
  predictionRecords,
  predictItems,
  type PredictionResult,
  type PredictOptions,
} from '../predict/predictItems';
import { defaultWorkerCount } from '../parallel/createWorkerPool';
import type { ImageWorkerContext } from '../parallel/imageWorker';
import { mapImagesInWorkers } from '../parallel/mapImagesInWorkers';

/** One unit of work: a batch of images. */
export interface PredictChunk {
  items: ImageRef[];
  inputSize: [number, number];
  load?: LoadImageOptions;
}

/**
 * Image function run in the workers: `predictItems` on one batch with the worker's fast model.
 * @returns Probability rows of the batch, in order.
 */
export async function predictChunkFunction(
  ctx: ImageWorkerContext,
  chunk: PredictChunk,
): Promise<number[][]> {
  const addSoftmax = headActivation(ctx.model) !== 'softmax';
  const forward = (x: tf.Tensor4D): tf.Tensor2D =>
    tf.tidy(() => {
      const out = ctx.fast.predict(x);
      return addSoftmax ? tf.softmax(out) : out;
    });
  const r = await predictItems(chunk.items, forward, {
    inputSize: chunk.inputSize,
    batchSize: chunk.items.length,
    progress: 'silent',
    load: chunk.load,
  });
  return r.probabilities;
}

/** Options of {@link predictItemsInWorkers}: those of `predictItems` plus the worker count. */
export interface PredictInWorkersOptions extends PredictOptions {
  /** Worker threads (default one per core; never more than there are batches). */
  workers?: number;
}

/**
 * Predict images on all cores with the fast inference model (the default of `predict`).
 * With one worker (or one batch) it runs `predictItems` in this thread on the fast model.
 * @param items Images, in row order.
 * @param model The density network (weights copied to the workers; not modified or disposed).
 * @param options Input size, batch size, progress, workers.
 * @returns Same as `predictItems`: records and probabilities in input order, wall-clock seconds.
 * @throws InputError naming the file when an image cannot be read (all workers are stopped).
 */
export async function predictItemsInWorkers(
  items: ReadonlyArray<ImageRef>,
  model: tf.LayersModel,
  options: PredictInWorkersOptions,
): Promise<PredictionResult> {
  const start = Date.now();
  const batchSize = options.batchSize ?? 4;
  tf.util.assert(items.length > 0, () => 'predict: expected at least one image, got 0');
  const requested = options.workers ?? defaultWorkerCount();
  // Batches no larger than needed to give every worker work.
  const perChunk = Math.max(1, Math.min(batchSize, Math.ceil(items.length / requested)));
  const chunks: PredictChunk[] = [];
  for (let i = 0; i < items.length; i += perChunk) {
    chunks.push({
      items: items.slice(i, i + perChunk),
      inputSize: options.inputSize,
      load: options.load,
    });
  }
  const workers = Math.min(requested, chunks.length);
  const progress = createProgress({
    total: items.length,
    label: options.label ?? 'predict',
    unit: 'images',
    sink: options.progress ?? 'auto',
  });
  let done = 0;
  let rows: number[][][];
  try {
    rows = await mapImagesInWorkers<PredictChunk, number[][]>(model, chunks, {
      workers,
      fn: {
        modulePath: path.join(__dirname, 'predictItemsInWorkers.ts'),
        exportName: 'predictChunkFunction',
      },
      onResult: (i) => {
        done += chunks[i].items.length;
        progress.update(done, { workers });
      },
    });
  } finally {
    progress.stop();
  }
  const probabilities = rows.flat();
  return {
    records: predictionRecords(items, probabilities),
    probabilities,
    seconds: (Date.now() - start) / 1000,
  };
}
