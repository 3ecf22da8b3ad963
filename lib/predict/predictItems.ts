/**
 * Run a model over a list of images in batches: load → Pillow-NEAREST resize to the model input →
 * `(x − mean) / 255` → gray to RGB (the original preprocessing, `lib/data`) → forward pass →
 * probabilities, with a progress report. One batch of pixels in memory at a time.
 */
import { InputError } from '../errors';
import * as tf from '@tensorflow/tfjs';
import type { LoadImageOptions } from '../data/loadImage';
import { loadNetworkBatch } from '../data/loadNetworkBatch';
import { argmaxRows } from '../metrics/argmaxRows';
import type { ImageRef } from '../data/imageRef';
import { CLASS_NAMES, isClassName } from '../model/constants';
import { createProgress, type ProgressOptions } from '../progress/createProgress';
import type { ForwardFunction } from './forwardFunction';
import type { PredictionRecord } from './predictionCsv';

/** Options of {@link predictItems}. */
export interface PredictOptions {
  /** Model input `[height, width]` (from the model metadata). */
  inputSize: [number, number];
  /** Images per forward pass. Default 4. */
  batchSize?: number;
  /** Progress sink: `auto` (bar on a TTY), `silent`, or a function (notebooks). Default `auto`. */
  progress?: ProgressOptions['sink'];
  /** Label of the progress report. Default `predict`. */
  label?: string;
  /** Image loading options (16-bit conversion, size limit). */
  load?: LoadImageOptions;
}

/** Result of a prediction run. */
export interface PredictionResult {
  /** One record per image, in input order (file, subject, projection, true class, probabilities, argmax). */
  records: PredictionRecord[];
  /** n × 4 probabilities (A B C D), the rows of the `%.18e` file. */
  probabilities: number[][];
  /** Wall-clock seconds of the whole run. */
  seconds: number;
}

/**
 * Predict images in batches.
 * @param items Images, in the order the rows should have.
 * @param forward Batch forward pass (see {@link ForwardFunction}).
 * @param options Input size, batch size, progress.
 * @returns Records and probabilities; no tensor is left allocated.
 * @throws InputError naming the file when an image cannot be read; RangeError when the forward
 *   pass returns the wrong shape or non-finite values.
 */
export async function predictItems(
  items: ReadonlyArray<ImageRef>,
  forward: ForwardFunction,
  options: PredictOptions,
): Promise<PredictionResult> {
  const batchSize = options.batchSize ?? 4;
  tf.util.assert(
    Number.isInteger(batchSize) && batchSize >= 1,
    () => `predict: expected batchSize a whole number >= 1, got ${batchSize}`,
  );
  tf.util.assert(items.length > 0, () => 'predict: expected at least one image, got 0');
  const start = Date.now();
  const progress = createProgress({
    total: items.length,
    label: options.label ?? 'predict',
    unit: 'images',
    sink: options.progress ?? 'auto',
  });
  const probabilities: number[][] = [];
  let unconsumed: Promise<tf.Tensor4D> | null = null;
  try {
    // One batch ahead: the next images are decoded while the engine runs this batch.
    const load = (b: number) => {
      const p = loadNetworkBatch(items.slice(b, b + batchSize), options.inputSize, options.load);
      p.catch(() => undefined); // awaited in the loop; this only keeps an early failure from being "unhandled"
      return p;
    };
    let next = load(0);
    for (let b = 0; b < items.length; b += batchSize) {
      const batchItems = items.slice(b, b + batchSize);
      unconsumed = null;
      const x = await next;
      if (b + batchSize < items.length) unconsumed = next = load(b + batchSize);
      let values: Float32Array;
      let shape: number[];
      try {
        const y = await forward(x);
        shape = y.shape;
        values = (await y.data()) as Float32Array;
        y.dispose();
      } finally {
        x.dispose();
      }
      if (shape.length !== 2 || shape[0] !== batchItems.length || shape[1] !== CLASS_NAMES.length) {
        throw new RangeError(
          `predict: expected the model to output [${batchItems.length}, ${CLASS_NAMES.length}], got [${shape.join(', ')}]`,
        );
      }
      for (let i = 0; i < batchItems.length; i++) {
        const row = Array.from(values.subarray(i * shape[1], (i + 1) * shape[1]));
        if (!row.every(Number.isFinite)) {
          throw new InputError(
            `${batchItems[i].path}: the model's output for this image is not finite (${row.join(', ')}): its weights hold NaN or values too large`,
          );
        }
        probabilities.push(row);
      }
      progress.update(Math.min(b + batchSize, items.length));
    }
  } finally {
    progress.stop();
    // A batch loaded ahead of a failure is freed (its own load error was already seen or is moot).
    (unconsumed as Promise<tf.Tensor4D> | null)?.then(
      (t) => t.dispose(),
      () => undefined,
    );
  }
  const records = predictionRecords(items, probabilities);
  return { records, probabilities, seconds: (Date.now() - start) / 1000 };
}

/**
 * The CSV records of predicted items (shared with the worker-thread path, `lib/parallel`).
 * @param items Images, in row order.
 * @param probabilities One row of class probabilities per item.
 */
export function predictionRecords(
  items: ReadonlyArray<ImageRef>,
  probabilities: number[][],
): PredictionRecord[] {
  const predicted = argmaxRows(probabilities);
  return items.map((it, i): PredictionRecord => ({
    file: it.name,
    subject: it.subject ?? '',
    projection: it.projection ?? '',
    trueClass: it.trueClass !== null && isClassName(it.trueClass) ? it.trueClass : null,
    probabilities: probabilities[i],
    predictedClass: CLASS_NAMES[predicted[i]],
  }));
}
