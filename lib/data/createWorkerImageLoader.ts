/**
 * A {@link BatchImageLoader} that decodes in worker threads: with {@link datasetBatches}'
 * one-batch look-ahead, the next batch's PNG decoding and resizing run beside the current
 * training step (ONNX Runtime's `run` holds the main thread), instead of after it.
 */
import * as path from 'path';
import type { BatchImageLoader } from './createInlineImageLoader';
import type { GrayImage, LoadImageOptions } from './loadImage';
import { createWorkerPool } from '../parallel/createWorkerPool';
import type { LoadImageWorkerInit } from './loadImageWorker';

/** Options of {@link createWorkerImageLoader}. */
export interface WorkerImageLoaderOptions {
  /** `[height, width]` of the returned images. */
  inputSize: [number, number];
  /** Image loading options (16-bit mode, size limit). */
  load?: LoadImageOptions;
  /** Worker threads. Default 1 (the training step already uses every core). */
  workers?: number;
}

/**
 * Start the loader's worker threads.
 * @returns The loader; the caller closes it. After a file fails to load, the loader is closed
 *   (its `load` rejects with that file's InputError, later calls with "closed").
 */
export async function createWorkerImageLoader(
  options: WorkerImageLoaderOptions,
): Promise<BatchImageLoader> {
  const init: LoadImageWorkerInit = { inputSize: options.inputSize, load: options.load ?? {} };
  const pool = await createWorkerPool<LoadImageWorkerInit, string, GrayImage>(
    {
      modulePath: path.join(__dirname, 'loadImageWorker.ts'),
      exportName: 'createLoadImageWorker',
      init,
    },
    // The trainer's own SIGINT handler checkpoints at a batch boundary: a look-ahead batch in
    // flight completes instead of failing the run.
    { workers: options.workers ?? 1, ignoreSignals: true },
  );
  return {
    inputSize: options.inputSize,
    load: (files) => pool.map(files),
    close: () => pool.close(),
  };
}
