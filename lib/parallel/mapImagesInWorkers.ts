/**
 * Spread per-image work over all cores: one worker thread per core, each with its own backend,
 * model and fast inference model; results in input order.
 */
import * as path from 'path';
import type * as tf from '@tensorflow/tfjs';
import { activeBackend, initBackend } from '../backend/initBackend';
import { createInferenceModel } from '../fast/createInferenceModel';
import { createWorkerPool, defaultWorkerCount, type WorkerPool } from './createWorkerPool';
import {
  loadImageFunction,
  type ImageFunctionRef,
  type ImageWorkerContext,
  type ImageWorkerInit,
} from './imageWorker';
import { serializeModel } from './serializeModel';

/** The built-in image function: fast probabilities and logits of one image. */
export const PREDICT_IMAGE_FUNCTION: ImageFunctionRef = {
  modulePath: path.join(__dirname, 'predictImageFunction.ts'),
  exportName: 'predictImageFunction',
};

/** Options of {@link mapImagesInWorkers} and {@link createImageWorkerPool}. */
export interface MapImagesOptions<TItem, TResult> {
  /**
   * Worker threads; default one per core ({@link defaultWorkerCount}), never more than items.
   * `1` runs in this thread (no worker start-up cost), with exactly the same code.
   */
  workers?: number;
  /** The per-image function (a module export); default {@link PREDICT_IMAGE_FUNCTION}. */
  fn?: ImageFunctionRef;
  /** Structured-cloneable options handed to the function as `ctx.options`. */
  options?: unknown;
  /** Called as each result arrives (any order), with its input index (e.g. a progress bar). */
  onResult?: (index: number, result: TResult) => void;
  /** Buffers of an item to move to the worker instead of copying (the item becomes unusable). */
  transfer?: (item: TItem) => ArrayBuffer[];
}

/** A reusable set of image workers (start-up cost paid once, many `map` calls). */
export interface ImageWorkerPool<TItem, TResult> {
  /** Number of workers (1 = in this thread). */
  readonly size: number;
  /** Results in input order. Rejects with the first error (workers are then terminated). */
  map(
    items: readonly TItem[],
    options?: Pick<MapImagesOptions<TItem, TResult>, 'onResult' | 'transfer'>,
  ): Promise<TResult[]>;
  /** Free the models and end the workers. */
  close(): Promise<void>;
}

/**
 * Start image workers for a model (each rebuilds the model from its weights and prepares the fast
 * inference model). Use it when mapping several lists; otherwise call {@link mapImagesInWorkers}.
 * @param model The model (its current weights are copied; the model itself is not modified).
 * @param options Worker count, function, options.
 */
export async function createImageWorkerPool<TItem, TResult>(
  model: tf.LayersModel,
  options: Omit<MapImagesOptions<TItem, TResult>, 'onResult' | 'transfer'> = {},
): Promise<ImageWorkerPool<TItem, TResult>> {
  const size = options.workers ?? defaultWorkerCount();
  const fnRef = options.fn ?? PREDICT_IMAGE_FUNCTION;
  if (size === 1) {
    const backend = activeBackend() ?? (await initBackend({ report: null }));
    const fast = createInferenceModel(model);
    const fn = loadImageFunction<TItem, TResult, unknown>(fnRef);
    const ctx: ImageWorkerContext = { model, fast, backend, options: options.options };
    let closed = false;
    return {
      size: 1,
      async map(items, mapOptions = {}) {
        if (closed) throw new Error('the image worker pool is closed');
        const out: TResult[] = [];
        for (let i = 0; i < items.length; i++) {
          out.push(await fn(ctx, items[i]));
          mapOptions.onResult?.(i, out[i]);
        }
        return out;
      },
      async close() {
        if (closed) return;
        closed = true;
        fast.dispose();
      },
    };
  }
  const init: ImageWorkerInit = {
    model: await serializeModel(model),
    backend: activeBackend()?.name,
    fn: fnRef,
    options: options.options,
  };
  const pool: WorkerPool<TItem, TResult> = await createWorkerPool<ImageWorkerInit, TItem, TResult>(
    {
      modulePath: path.join(__dirname, 'imageWorker.ts'),
      exportName: 'createImageWorker',
      init,
    },
    { workers: size },
  );
  return { size, map: (items, o) => pool.map(items, o), close: () => pool.close() };
}

/**
 * Apply an image function to every item on all cores; results in input order (identical to a
 * single worker's). The default function predicts probabilities and logits with the fast model.
 *
 * @param model The model (weights copied to each worker; not modified).
 * @param items Per-image inputs, e.g. {@link ImageItem}s for the default function.
 * @param options Workers (default one per core, at most one per item), function, callbacks.
 * @returns One result per item, in order.
 * @throws The first item's error; every worker is terminated (also on SIGINT/SIGTERM).
 * @example
 * const preds = await mapImagesInWorkers<ImageItem, ImagePrediction>(model, images);
 */
export async function mapImagesInWorkers<TItem, TResult>(
  model: tf.LayersModel,
  items: readonly TItem[],
  options: MapImagesOptions<TItem, TResult> = {},
): Promise<TResult[]> {
  if (items.length === 0) return [];
  const workers = Math.min(options.workers ?? defaultWorkerCount(), items.length);
  const pool = await createImageWorkerPool<TItem, TResult>(model, { ...options, workers });
  try {
    return await pool.map(items, { onResult: options.onResult, transfer: options.transfer });
  } finally {
    // After an error the workers are already terminated and close() returns at once.
    await pool.close();
  }
}
