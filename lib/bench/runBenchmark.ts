/**
 * The performance benchmark behind `breast-density bench`: forward pass (batch 1 and batch B),
 * Grad-CAM on `add_12`, one training step, multi-worker prediction throughput, peak memory and
 * GFLOP/s, each as the median and spread of repeated runs after warm-up.
 *
 * "Before" (the plain TF.js Layers model: `model.predict`, autodiff Grad-CAM) and "after" (the
 * fast paths that are the defaults: {@link createInferenceModel}, closed-form Grad-CAM, worker
 * pool) are measured in the same process, interleaved run by run, so that a machine shared with
 * other jobs affects both alike.
 */
import * as tf from '@tensorflow/tfjs';
import { activeBackend, initBackend } from '../backend/initBackend';
import { createCam } from '../cam/createCam';
import { createInferenceModel } from '../fast/createInferenceModel';
import { LAST_ADD_LAYER } from '../model/constants';
import { createDensityModel } from '../model/createDensityModel';
import { createImageWorkerPool } from '../parallel/mapImagesInWorkers';
import type { ImageItem, ImagePrediction } from '../parallel/predictImageFunction';
import * as path from 'path';
import { errorMessage } from '../errors';
import { createWorkerPool } from '../parallel/createWorkerPool';
import { countFlops } from './countFlops';
import type { TrainStepInit } from './trainStepWorker';
import { summarizeTimes, type TimeSummary } from './summarizeTimes';

/** Options of {@link runBenchmark}. */
export interface BenchmarkOptions {
  /** Input `[height, width]`. Default 650×650. */
  size?: [number, number];
  /** Batch size of the batched forward pass. Default 4. */
  batch?: number;
  /** Worker threads of the throughput measurement. Default: one per core. */
  workers?: number;
  /** Timed runs per measurement (after warm-up). Default 5. */
  repeats?: number;
  /** Untimed warm-up runs per measurement. Default 1. */
  warmup?: number;
  /** Also time the plain Layers model (the "before" rows). Default true. */
  baseline?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** A timed quantity, or why it could not be measured. */
export type Measured = TimeSummary | { unavailable: string };

/** Result of {@link runBenchmark}; times in milliseconds. */
export interface BenchmarkResult {
  /** Backend name (`wasm`, `tensorflow`, …) and its details. */
  backend: string;
  backendDetail: string;
  /** `[height, width]`. */
  size: [number, number];
  batch: number;
  workers: number;
  /** 2·multiply-adds of one forward pass of one image (see `countFlops`). */
  flopsPerImage: number;
  /** Fast forward pass, batch 1 (ms per image). */
  forward: TimeSummary;
  /** Plain `model.predict`, batch 1 (ms per image); null without baseline. */
  forwardPlain: TimeSummary | null;
  /** Fast forward pass, batch B (ms per image). */
  forwardBatch: TimeSummary;
  /** Plain `model.predict`, batch B (ms per image); null without baseline. */
  forwardBatchPlain: TimeSummary | null;
  /** Default Grad-CAM on add_12 (`createCam`: fast forward + closed form, maps at input size), batch 1. */
  gradcam: TimeSummary;
  /** The same maps from autodiff gradients through the Layers model, batch 1; null without baseline. */
  gradcamPlain: TimeSummary | null;
  /** One training step (forward, backward, Adam update), batch 4, ms per image. */
  trainStep: Measured;
  /** Prediction throughput over `workers` worker threads (images/s, median over maps). */
  throughput: TimeSummary;
  /**
   * The same images through a pool of one worker, timed alternately with the `workers` pool
   * (so both see the same machine load): the multi-worker speed-up is `throughput / this`.
   * Null when `workers` is 1.
   */
  throughputOneWorker: TimeSummary | null;
  /** Worker start-up (backend + model in every worker), ms. */
  workerStartMs: number;
  /** Peak resident memory of the process (all threads), MB. */
  peakRssMb: number;
  /** GFLOP/s of the fast batch-1 forward pass. */
  gflops: number;
  /**
   * The same single-thread measurements in process CPU milliseconds (user + system): less
   * sensitive than wall-clock time to other jobs on a shared machine.
   */
  cpu: {
    forward: TimeSummary;
    forwardPlain: TimeSummary | null;
    forwardBatch: TimeSummary;
    forwardBatchPlain: TimeSummary | null;
    gradcam: TimeSummary;
    gradcamPlain: TimeSummary | null;
  };
}

/** Wall-clock and process-CPU summaries of each function, timed interleaved run by run. */
function timeRuns(
  fns: (() => void)[],
  repeats: number,
  warmup: number,
  perRun = 1,
): { wall: TimeSummary[]; cpu: TimeSummary[] } {
  const wall: number[][] = fns.map(() => []);
  const cpu: number[][] = fns.map(() => []);
  for (let r = 0; r < warmup + repeats; r++) {
    fns.forEach((fn, i) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      fn();
      const dt = (performance.now() - t0) / perRun;
      const c = process.cpuUsage(c0);
      if (r >= warmup) {
        wall[i].push(dt);
        cpu[i].push((c.user + c.system) / 1000 / perRun);
      }
    });
  }
  return { wall: wall.map(summarizeTimes), cpu: cpu.map(summarizeTimes) };
}

/**
 * Run the benchmark on the current backend (initialised if needed).
 * @returns Medians and spreads; see {@link BenchmarkResult}.
 */
export async function runBenchmark(options: BenchmarkOptions = {}): Promise<BenchmarkResult> {
  const [h, w] = options.size ?? [650, 650];
  const batch = options.batch ?? 4;
  const repeats = options.repeats ?? 5;
  const warmup = options.warmup ?? 1;
  const baseline = options.baseline ?? true;
  const log = options.log ?? (() => undefined);
  tf.util.assert(Number.isInteger(batch) && batch >= 1, () => `batch must be ≥ 1, got ${batch}`);
  tf.util.assert(
    Number.isInteger(repeats) && repeats >= 1,
    () => `repeats must be ≥ 1, got ${repeats}`,
  );
  const info = activeBackend() ?? (await initBackend({ report: null }));

  const model = createDensityModel({ inputSize: [h, w], seed: 0 });
  const fast = createInferenceModel(model);
  const x1 = tf.randomNormal([1, h, w, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const xB = tf.randomNormal([batch, h, w, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
  try {
    const flopsPerImage = countFlops(model).total;
    const plain = (x: tf.Tensor4D) => () =>
      tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
    const fastFn = (x: tf.Tensor4D) => () => tf.tidy(() => fast.predict(x).dataSync());

    log(
      `forward pass, batch 1 (${warmup} warm-up + ${repeats} runs${baseline ? ', plain and fast interleaved' : ''})`,
    );
    const t1 = timeRuns(baseline ? [fastFn(x1), plain(x1)] : [fastFn(x1)], repeats, warmup);
    const [forward, forwardPlain] = t1.wall;
    log(`forward pass, batch ${batch}`);
    const tB = timeRuns(baseline ? [fastFn(xB), plain(xB)] : [fastFn(xB)], repeats, warmup, batch);
    const [forwardBatch, forwardBatchPlain] = tB.wall;

    log('Grad-CAM on add_12');
    // After: the default Grad-CAM (createCam → fast forward to add_12 + closed-form gradient),
    // maps upsampled and normalised. Before: the same maps from autodiff gradients.
    const cam = createCam(model, 'gradcam', { layer: LAST_ADD_LAYER });
    const gradFast = (): void => {
      cam.compute(x1);
    };
    const camPlain = createCam(model, 'gradcam', { layer: LAST_ADD_LAYER, gradients: 'autodiff' });
    const gradPlain = (): void => {
      camPlain.compute(x1);
    };
    const tG = timeRuns(baseline ? [gradFast, gradPlain] : [gradFast], repeats, warmup);
    const [gradcam, gradcamPlain] = tG.wall;

    log('training step, batch 4 (in its own worker thread)');
    let trainStep: Measured;
    const t = performance.now();
    const trainPool = await createWorkerPool<TrainStepInit, null, TimeSummary>(
      {
        modulePath: path.join(__dirname, 'trainStepWorker.ts'),
        exportName: 'createTrainStepWorker',
        init: { size: [h, w], batch: 4, warmup, repeats: Math.min(repeats, 3), backend: info.name },
      },
      { workers: 1 },
    );
    try {
      [trainStep] = await trainPool.map([null]);
    } catch (err) {
      trainStep = { unavailable: `training step failed: ${errorMessage(err).split('\n')[0]}` };
    } finally {
      await trainPool.close();
    }
    log(`training step done in ${((performance.now() - t) / 1000).toFixed(0)} s`);

    const workers = options.workers ?? (await import('os')).availableParallelism();
    log(`prediction throughput with ${workers} worker(s)`);
    const t0 = performance.now();
    const pool = await createImageWorkerPool<ImageItem, ImagePrediction>(model, { workers });
    const workerStartMs = performance.now() - t0;
    const single =
      workers > 1
        ? await createImageWorkerPool<ImageItem, ImagePrediction>(model, { workers: 1 })
        : null;
    let throughput: TimeSummary;
    let throughputOneWorker: TimeSummary | null = null;
    try {
      const perMap = 2 * workers;
      const pixels = x1.dataSync() as Float32Array;
      const items: ImageItem[] = Array.from({ length: perMap }, () => ({
        data: pixels,
        shape: [h, w, 3],
      }));
      await pool.map(items.slice(0, workers)); // warm-up: one image per worker
      await single?.map(items.slice(0, 1));
      const rate = async (p: typeof pool): Promise<number> => {
        const s = performance.now();
        await p.map(items);
        return (perMap * 1000) / (performance.now() - s);
      };
      const rates: number[] = [];
      const singleRates: number[] = [];
      // Alternate the pools run by run, so that both see the same load.
      for (let r = 0; r < Math.max(2, Math.min(repeats, 3)); r++) {
        rates.push(await rate(pool));
        if (single) singleRates.push(await rate(single));
      }
      throughput = summarizeTimes(rates);
      if (single) throughputOneWorker = summarizeTimes(singleRates);
    } finally {
      await pool.close();
      await single?.close();
    }
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    return {
      backend: info.name,
      backendDetail: info.detail,
      size: [h, w],
      batch,
      workers,
      flopsPerImage,
      forward,
      forwardPlain: forwardPlain ?? null,
      forwardBatch,
      forwardBatchPlain: forwardBatchPlain ?? null,
      gradcam,
      gradcamPlain: gradcamPlain ?? null,
      trainStep,
      throughput,
      throughputOneWorker,
      workerStartMs,
      peakRssMb,
      gflops: flopsPerImage / (forward.median / 1000) / 1e9,
      cpu: {
        forward: t1.cpu[0],
        forwardPlain: t1.cpu[1] ?? null,
        forwardBatch: tB.cpu[0],
        forwardBatchPlain: tB.cpu[1] ?? null,
        gradcam: tG.cpu[0],
        gradcamPlain: tG.cpu[1] ?? null,
      },
    };
  } finally {
    tf.dispose([x1, xB]);
    fast.dispose();
    model.dispose();
  }
}
