/**
 * The task every image worker runs: initialise the backend, rebuild the model, prepare the fast
 * inference model, then apply an image function to each item. Also used in-process when one
 * worker is asked for, so one worker and N workers run exactly the same code.
 */
import * as path from 'path';
import type * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendInfo, type BackendName } from '../backend/initBackend';
import { createInferenceModel, type InferenceModel } from '../fast/createInferenceModel';
import { deserializeModel, type SerializedModel } from './serializeModel';
import type { WorkerHandler } from './createWorkerPool';

/** What an image function sees: the model, its fast inference form, the backend, the options. */
export interface ImageWorkerContext<TOptions = unknown> {
  /** The Layers model (for autodiff paths such as generic Grad-CAM). */
  model: tf.LayersModel;
  /** Its fast inference form (folded BatchNorm, fused kernels): use it for forward passes. */
  fast: InferenceModel;
  /** Backend of this worker. */
  backend: BackendInfo;
  /** The `options` given to `mapImagesInWorkers`, as cloned into this worker. */
  options: TOptions;
}

/** An image function: one item in, one structured-cloneable result out. */
export type ImageFunction<TItem, TResult, TOptions = unknown> = (
  ctx: ImageWorkerContext<TOptions>,
  item: TItem,
) => Promise<TResult> | TResult;

/** A module export that holds an {@link ImageFunction}. */
export interface ImageFunctionRef {
  /** Absolute path of the module (TypeScript or JavaScript). */
  modulePath: string;
  /** Name of the export. */
  exportName: string;
}

/** Start data of an image worker. */
export interface ImageWorkerInit {
  model: SerializedModel;
  /** Backend to force (the parent's), so every worker computes on the same backend. */
  backend?: BackendName;
  fn: ImageFunctionRef;
  options: unknown;
}

/** Load an image function from its module. */
export function loadImageFunction<TItem, TResult, TOptions>(
  ref: ImageFunctionRef,
): ImageFunction<TItem, TResult, TOptions> {
  if (/\.tsx?$/.test(ref.modulePath) && !('.ts' in require.extensions)) {
    // A process without a TypeScript loader (e.g. the tslab kernel, which compiles lib/ itself):
    // register tsx, as worker threads do, so that the function's module can be loaded.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('tsx/cjs');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(path.resolve(ref.modulePath)) as Record<string, unknown>;
  const fn = mod[ref.exportName];
  if (typeof fn !== 'function') {
    throw new Error(`${ref.modulePath} exports no function named "${ref.exportName}"`);
  }
  return fn as ImageFunction<TItem, TResult, TOptions>;
}

/**
 * Worker factory (called by `workerEntry.js`): backend, model and fast model for this thread.
 * @returns A handler that applies the image function to each item and frees everything on close.
 */
export async function createImageWorker(
  init: ImageWorkerInit,
): Promise<WorkerHandler<unknown, unknown>> {
  const backend = await initBackend({ backend: init.backend, report: null });
  const model = await deserializeModel(init.model);
  const fast = createInferenceModel(model);
  const fn = loadImageFunction<unknown, unknown, unknown>(init.fn);
  const ctx: ImageWorkerContext = { model, fast, backend, options: init.options };
  return {
    run: (item) => fn(ctx, item),
    close: () => {
      fast.dispose();
      model.dispose();
    },
  };
}
