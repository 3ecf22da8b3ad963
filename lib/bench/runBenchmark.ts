/**
 * The performance benchmark behind `breast-density bench`: on the default engine (ONNX Runtime
 * unless `DENSITY_ENGINE` says otherwise) and, as the "before" column, the TF.js engine on the
 * active backend — forward pass (batch 1 and batch B), Grad-CAM on `add_12` (closed form) and
 * `add_6` (backward graph), prediction throughput (ONNX Runtime: one session on every core
 * against one single-threaded session per core; TF.js: the worker pool), one training step,
 * peak memory and GFLOP/s, each the median and spread of repeated runs after warm-up.
 *
 * The two engines are timed in the same process, interleaved run by run, so that a machine shared
 * with other jobs affects both alike; ratios are the figures to compare.
 */
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { checkWasmSizeLimit } from '../backend/checkWasmSizeLimit';
import { activeBackend, initBackend } from '../backend/initBackend';
import { createCam } from '../cam/createCam';
import { createDensityEngine } from '../engine/createDensityEngine';
import { createOnnxEngine } from '../engine/createOnnxEngine';
import { createTfjsEngine } from '../engine/createTfjsEngine';
import type { DensityEngine, EngineKind } from '../engine/densityEngine';
import { loadOnnxRuntime } from '../engine/loadOnnxRuntime';
import { errorMessage } from '../errors';
import { createDensityModel } from '../model/createDensityModel';
import { createWorkerPool } from '../parallel/createWorkerPool';
import { createImageWorkerPool } from '../parallel/mapImagesInWorkers';
import type { ImageItem, ImagePrediction } from '../parallel/predictImageFunction';
import { countFlops } from './countFlops';
import { runPytorchComparison, type PytorchComparison } from './runPytorchComparison';
import { timeOnnxFile } from './timeOnnxFile';
import { timeOnnxTrainStep } from './timeOnnxTrainStep';
import { summarizeTimes, type TimeSummary } from './summarizeTimes';
import type { TrainStepInit } from './trainStepWorker';

/** Options of {@link runBenchmark}. */
export interface BenchmarkOptions {
  /** Input `[height, width]`. Default 650×650. */
  size?: [number, number];
  /** Batch size of the batched forward pass and of the throughput runs. Default 4. */
  batch?: number;
  /** Workers / single-threaded sessions of the throughput comparison. Default: one per core. */
  workers?: number;
  /** Timed runs per measurement (after warm-up). Default 5. */
  repeats?: number;
  /** Untimed warm-up runs per measurement. Default 1. */
  warmup?: number;
  /** Also time the TF.js engine (the "before" column). Default true. */
  baseline?: boolean;
  /** Engine of the "after" column; default as `createDensityEngine` chooses. */
  engine?: EngineKind | 'auto';
  /** Time the same network in PyTorch too, when `python3-torch` is installed. Default true. */
  pytorch?: boolean;
  /** Also time a PyTorch training step (about a minute at 650×650). Default true. */
  pytorchTrain?: boolean;
  /** An ONNX file made elsewhere (e.g. the PyTorch export) to time on ONNX Runtime beside ours. */
  onnxFile?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** A timed quantity, or why it could not be measured. */
export type Measured = TimeSummary | { unavailable: string };

/** A pair of measurements: the default engine and the TF.js baseline (null without baseline). */
export interface EnginePair {
  after: TimeSummary;
  before: TimeSummary | null;
}

/** Result of {@link runBenchmark}; times in milliseconds. */
export interface BenchmarkResult {
  /** Engine of the "after" column (`onnx` or `tfjs`) and its description. */
  engine: EngineKind;
  engineDetail: string;
  /** TF.js backend name (`wasm`, `tensorflow`, …) and its details (the "before" column). */
  backend: string;
  backendDetail: string;
  /** `[height, width]`. */
  size: [number, number];
  batch: number;
  workers: number;
  /** 2·multiply-adds of one forward pass of one image (see `countFlops`). */
  flopsPerImage: number;
  /** Forward pass, batch 1 (ms per image). */
  forward: EnginePair;
  /** Forward pass, batch B (ms per image). */
  forwardBatch: EnginePair;
  /** Grad-CAM maps on add_12 (closed form from one forward pass), batch 1. */
  gradcam: EnginePair;
  /** Grad-CAM maps on add_6 (backward graph / autodiff), batch 1. */
  gradcamAdd6: EnginePair;
  /** Prediction throughput of the default engine at batch B (images/s, median). */
  throughput: TimeSummary;
  /**
   * The alternative the engine was chosen against, timed alternately with `throughput`: ONNX
   * Runtime with `workers` concurrent single-threaded sessions; TF.js with the worker pool of
   * `workers` threads against one worker.
   */
  throughputAlternative: { label: string; rate: TimeSummary } | null;
  /** One training step of the default engine (ONNX Runtime: SGD-Nesterov), batch 4, ms per image. */
  trainStep: Measured;
  /** The TF.js training step (Adam, its own worker), batch 4, ms per image; null without baseline. */
  trainStepTfjs: Measured | null;
  /** Peak resident memory of the process (all threads), MB. */
  peakRssMb: number;
  /** GFLOP/s of the batch-1 forward pass of the default engine. */
  gflops: number;
  /** The same network in PyTorch, timed in this run, or why not. */
  pytorch: PytorchComparison | { skipped: string };
  /** ONNX Runtime on `onnxFile`, batch 1, or null when none was given. */
  onnxFile: { file: string; forward: TimeSummary } | null;
}

type Run = () => Promise<unknown>;

/** Wall-clock summaries of each function, timed interleaved run by run. */
async function timeRuns(
  fns: Run[],
  repeats: number,
  warmup: number,
  perRun = 1,
): Promise<TimeSummary[]> {
  const wall: number[][] = fns.map(() => []);
  for (let r = 0; r < warmup + repeats; r++) {
    for (const [i, fn] of fns.entries()) {
      const t0 = performance.now();
      await fn();
      if (r >= warmup) wall[i].push((performance.now() - t0) / perRun);
    }
  }
  return wall.map(summarizeTimes);
}

/** The same measurement on both engines (the baseline only when there is one). */
async function timePair(
  make: (e: DensityEngine) => Run,
  engines: { after: DensityEngine; before: DensityEngine | null },
  repeats: number,
  warmup: number,
  perRun = 1,
): Promise<EnginePair> {
  const fns = [make(engines.after), ...(engines.before ? [make(engines.before)] : [])];
  const [after, before] = await timeRuns(fns, repeats, warmup, perRun);
  return { after, before: before ?? null };
}

/** One training step on the TF.js backend, in its own worker thread. */
async function timeTrainStep(
  size: [number, number],
  warmup: number,
  repeats: number,
): Promise<Measured> {
  const info = activeBackend();
  try {
    checkWasmSizeLimit('train', size, 4, info?.tfName ?? tf.getBackend());
  } catch (err) {
    return { unavailable: errorMessage(err) };
  }
  const pool = await createWorkerPool<TrainStepInit, null, TimeSummary>(
    {
      modulePath: path.join(__dirname, 'trainStepWorker.ts'),
      exportName: 'createTrainStepWorker',
      init: { size, batch: 4, warmup, repeats: Math.min(repeats, 3), backend: info?.name },
    },
    { workers: 1 },
  );
  try {
    return (await pool.map([null]))[0];
  } catch (err) {
    return { unavailable: `training step failed: ${errorMessage(err).split('\n')[0]}` };
  } finally {
    await pool.close();
  }
}

/** A measurement, or why it failed (the message's first line). */
async function measured(fn: () => Promise<TimeSummary>): Promise<Measured> {
  try {
    return await fn();
  } catch (err) {
    return { unavailable: `failed: ${errorMessage(err).split('\n')[0]}` };
  }
}

/** Images per second of `run` (which predicts `images` images), over alternating repeats. */
async function rates(runs: Run[], images: number, repeats: number): Promise<TimeSummary[]> {
  const per: number[][] = runs.map(() => []);
  for (let r = 0; r < Math.max(2, Math.min(repeats, 3)); r++) {
    for (const [i, run] of runs.entries()) {
      const t0 = performance.now();
      await run();
      per[i].push((images * 1000) / (performance.now() - t0));
    }
  }
  return per.map(summarizeTimes);
}

/**
 * ONNX Runtime throughput: one session on every core, against `workers` single-threaded sessions
 * run concurrently (what a worker pool would do), alternately.
 */
async function onnxThroughput(
  model: tf.LayersModel,
  engine: DensityEngine,
  batchData: Float32Array,
  batch: number,
  workers: number,
  repeats: number,
): Promise<Pick<BenchmarkResult, 'throughput' | 'throughputAlternative'>> {
  const single = { ...loadOnnxRuntime(), threads: 1 };
  const sessions = await Promise.all(
    Array.from({ length: workers }, () => createOnnxEngine(model, { runtime: single })),
  );
  try {
    const perRun = batch * workers;
    const one = () =>
      Promise.all(Array.from({ length: workers }, () => engine.forward(batchData, batch)));
    const many = () => Promise.all(sessions.map((s) => s.forward(batchData, batch)));
    await one();
    await many();
    const [throughput, alt] = await rates([one, many], perRun, repeats);
    return {
      throughput,
      throughputAlternative: { label: `${workers} sessions × 1 thread`, rate: alt },
    };
  } finally {
    for (const s of sessions) await s.dispose();
  }
}

/** TF.js throughput: the worker pool of `workers` threads against one worker, alternately. */
async function tfjsThroughput(
  model: tf.LayersModel,
  pixels: Float32Array,
  size: [number, number],
  workers: number,
  repeats: number,
): Promise<Pick<BenchmarkResult, 'throughput' | 'throughputAlternative'>> {
  const pool = await createImageWorkerPool<ImageItem, ImagePrediction>(model, { workers });
  const single =
    workers > 1
      ? await createImageWorkerPool<ImageItem, ImagePrediction>(model, { workers: 1 })
      : null;
  try {
    const items: ImageItem[] = Array.from({ length: 2 * workers }, () => ({
      data: pixels,
      shape: [size[0], size[1], 3],
    }));
    await pool.map(items.slice(0, workers));
    await single?.map(items.slice(0, 1));
    const [throughput, alt] = await rates(
      [() => pool.map(items), ...(single ? [() => single.map(items)] : [])],
      items.length,
      repeats,
    );
    return { throughput, throughputAlternative: alt ? { label: '1 worker', rate: alt } : null };
  } finally {
    await pool.close();
    await single?.close();
  }
}

/** The PyTorch measurements, or why there are none (option off, non-square input, no torch). */
function pytorchSide(
  options: BenchmarkOptions,
  h: number,
  w: number,
  repeats: number,
  log: (line: string) => void,
): PytorchComparison | { skipped: string } {
  if (options.pytorch === false) return { skipped: 'not asked for (--no-pytorch)' };
  if (h !== w) return { skipped: 'the PyTorch reference takes square inputs only' };
  log('the same network in PyTorch (scripts/torch_reference.py)');
  const threads = loadOnnxRuntime().threads;
  const r = runPytorchComparison(h, Math.min(repeats, 5), threads, options.pytorchTrain ?? true);
  if ('skipped' in r) log(`PyTorch skipped: ${r.skipped}`);
  return r;
}

/**
 * Run the benchmark (TF.js backend initialised if needed).
 * @returns Medians and spreads; see {@link BenchmarkResult}.
 */
export async function runBenchmark(options: BenchmarkOptions = {}): Promise<BenchmarkResult> {
  const [h, w] = options.size ?? [650, 650];
  const batch = options.batch ?? 4;
  const repeats = options.repeats ?? 5;
  const warmup = options.warmup ?? 1;
  const workers = options.workers ?? Math.max(1, os.availableParallelism());
  const log = options.log ?? (() => undefined);
  tf.util.assert(Number.isInteger(batch) && batch >= 1, () => `batch must be ≥ 1, got ${batch}`);
  tf.util.assert(
    Number.isInteger(repeats) && repeats >= 1,
    () => `repeats must be ≥ 1, got ${repeats}`,
  );
  const info = activeBackend() ?? (await initBackend({ report: null }));
  const model = createDensityModel({ inputSize: [h, w], seed: 0 });
  const after = await createDensityEngine(model, { engine: options.engine, report: null });
  const before =
    (options.baseline ?? true) && after.kind !== 'tfjs' ? createTfjsEngine(model) : null;
  const engines = { after, before };
  const x1 = tf.randomNormal([1, h, w, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
  const xB = tf.randomNormal([batch, h, w, 3], 0, 1, 'float32', 2);
  const d1 = x1.dataSync() as Float32Array;
  const dB = xB.dataSync() as Float32Array;
  try {
    log(`engine ${after.description}${before ? `, against ${before.description}` : ''}`);
    log(`forward pass, batch 1 (${warmup} warm-up + ${repeats} runs)`);
    const forward = await timePair((e) => () => e.forward(d1, 1), engines, repeats, warmup);
    log(`forward pass, batch ${batch}`);
    const forwardBatch = await timePair(
      (e) => () => e.forward(dB, batch),
      engines,
      repeats,
      warmup,
      batch,
    );
    log('Grad-CAM on add_12 (closed form)');
    const cam = (layer: string) => (e: DensityEngine) => {
      const c = createCam(model, 'gradcam', { layer, engine: e });
      return () => c.compute(x1);
    };
    const gradcam = await timePair(cam('add_12'), engines, repeats, warmup);
    log('Grad-CAM on add_6 (backward graph)');
    const gradcamAdd6 = await timePair(cam('add_6'), engines, Math.min(repeats, 3), warmup);
    log(`prediction throughput at batch ${batch}`);
    const tp =
      after.kind === 'onnx'
        ? await onnxThroughput(model, after, dB, batch, workers, repeats)
        : await tfjsThroughput(model, d1, [h, w], workers, repeats);
    log(`training step, batch 4 (${after.kind === 'onnx' ? 'ONNX Runtime' : 'TF.js'})`);
    const trainStep =
      after.kind === 'onnx'
        ? await measured(
            // One more warm-up step: ONNX Runtime's second run allocates the memory it planned
            // on the first (first touch of the arena) and takes 1.3–2× a later step.
            async () => (await timeOnnxTrainStep([h, w], 4, warmup + 1, Math.min(repeats, 3))).step,
          )
        : await timeTrainStep([h, w], warmup, repeats);
    let trainStepTfjs: Measured | null = null;
    if (before) {
      log('training step, batch 4 (TF.js, in its own worker thread)');
      trainStepTfjs = await timeTrainStep([h, w], warmup, repeats);
    }
    const onnxFile = options.onnxFile
      ? {
          file: options.onnxFile,
          forward: (await timeOnnxFile(options.onnxFile, repeats, warmup)).forward,
        }
      : null;
    const pytorch = pytorchSide(options, h, w, repeats, log);
    const flopsPerImage = countFlops(model).total;
    return {
      engine: after.kind,
      engineDetail: after.description,
      backend: info.name,
      backendDetail: info.detail,
      size: [h, w],
      batch,
      workers,
      flopsPerImage,
      forward,
      forwardBatch,
      gradcam,
      gradcamAdd6,
      ...tp,
      trainStep,
      trainStepTfjs,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      gflops: flopsPerImage / (forward.after.median / 1000) / 1e9,
      pytorch,
      onnxFile,
    };
  } finally {
    tf.dispose([x1, xB]);
    await after.dispose();
    await before?.dispose();
    model.dispose();
  }
}
