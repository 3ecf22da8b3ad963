/**
 * Class-activation maps of a list of images computed on worker threads, ahead of a consumer that
 * renders and writes them one by one (`generateCamMaps`): images are handed out in windows, the
 * next window is computed while the current one is consumed, so memory stays at two windows of
 * maps and the results are those of `createCam(...).compute` in this thread, in input order.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { CamTarget } from '../cam/camTargets';
import type { CamMethod, CamResult } from '../cam/camTypes';
import { createCam } from '../cam/createCam';
import { loadImage } from '../data/loadImage';
import { preprocessForNetwork } from '../data/preprocessForNetwork';
import { defaultWorkerCount } from './createWorkerPool';
import type { ImageWorkerContext } from './imageWorker';
import { createImageWorkerPool, type ImageWorkerPool } from './mapImagesInWorkers';

/** One map job: the image file, its target, and how to map it. */
export interface CamJob {
  path: string;
  target: CamTarget;
  inputSize: [number, number];
  method: CamMethod;
  layer?: string;
  classNames?: string[];
}

/**
 * Image function run in the workers: load, preprocess (`preprocessForNetwork`) and map one image
 * with `createCam` (on add_12 the fast closed-form path).
 */
export async function camJobFunction(ctx: ImageWorkerContext, job: CamJob): Promise<CamResult> {
  const img = await loadImage(job.path);
  const x = tf.tidy(() => preprocessForNetwork(img, job.inputSize).expandDims(0) as tf.Tensor4D);
  try {
    return createCam(ctx.model, job.method, {
      layer: job.layer,
      classNames: job.classNames,
      fast: ctx.fast,
    }).compute(x, job.target);
  } finally {
    x.dispose();
  }
}

/** Results by index, computed ahead on workers; see {@link createCamResultSource}. */
export interface CamResultSource {
  /** Number of workers. */
  readonly workers: number;
  /** The result of job `index` (jobs must be asked for in increasing order). */
  get(index: number): Promise<CamResult>;
  /** End the workers. */
  close(): Promise<void>;
}

/**
 * Start workers that compute the maps of `jobs` ahead of their use.
 * @param model The network (weights copied to each worker; not modified).
 * @param jobs One per image, in order.
 * @param options `workers` (default one per core), `window` (images per hand-out, default
 *   2 per worker).
 */
export async function createCamResultSource(
  model: tf.LayersModel,
  jobs: CamJob[],
  options: { workers?: number; window?: number } = {},
): Promise<CamResultSource> {
  const workers = Math.max(1, Math.min(options.workers ?? defaultWorkerCount(), jobs.length));
  const window = Math.max(workers, options.window ?? 2 * workers);
  const pool: ImageWorkerPool<CamJob, CamResult> = await createImageWorkerPool(model, {
    workers,
    fn: {
      modulePath: path.join(__dirname, 'camResultsInWorkers.ts'),
      exportName: 'camJobFunction',
    },
  });
  const windows = new Map<number, Promise<CamResult[]>>();
  // Windows are mapped one after the other (a pool runs one map at a time).
  let chain: Promise<unknown> = Promise.resolve();
  const schedule = (w: number): Promise<CamResult[]> | undefined => {
    if (w * window >= jobs.length) return undefined;
    let p = windows.get(w);
    if (!p) {
      p = chain.then(() => pool.map(jobs.slice(w * window, (w + 1) * window)));
      // The rejection is delivered by get(); these handlers only keep a prefetched window's
      // failure from being reported as unhandled.
      chain = p.catch(() => undefined);
      windows.set(w, p);
    }
    return p;
  };
  return {
    workers,
    async get(index) {
      const w = Math.floor(index / window);
      const current = schedule(w)!;
      schedule(w + 1); // compute ahead while the caller consumes this window
      windows.delete(w - 1);
      const results = await current;
      return results[index - w * window];
    },
    close: () => pool.close(),
  };
}
