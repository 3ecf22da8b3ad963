/**
 * The original training recipe (`Train_ResNet.py`) in TypeScript: one network per projection,
 * trained on a directory dataset with the original augmentation and preprocessing (Keras
 * `ImageDataGenerator(rescale=1/255, samplewise_center=True, zoom 0.2, shifts 0.2, rotation 10°)`),
 * categorical cross-entropy, SGD (or SGD-Nesterov / RMSprop), ReduceLROnPlateau on `val_loss`,
 * best checkpoint on validation accuracy named like the original
 * (`weights-improvement-{epoch:02d}-{val_acc:.2f}`), and the history files of the original.
 *
 * Long runs are safe: after every epoch a resumable checkpoint (weights, BN statistics, optimiser
 * state, LR schedule, history, RNG position) is written atomically; `resume: true` continues
 * from the newest one, after any interruption including `kill -9`. An `AbortSignal` (the CLI
 * wires SIGINT/SIGTERM to it) stops at the next batch boundary and writes a mid-epoch checkpoint
 * from which `resume` continues at that very batch.
 *
 * Engines: the steps run on ONNX Runtime by default (the generated training-step graph and
 * Keras's optimisers, `createOnnxTrainingEngine`) or on TF.js (`DENSITY_ENGINE=tfjs` or the
 * `engine` option; also the fallback when onnxruntime-node cannot load). Both train the same
 * TF.js model object, so every file written is the same.
 *
 * Structure (Keras `fit` with callbacks): the loop below runs the epochs and batches; the
 * callbacks ReduceLROnPlateau, history writer, ModelCheckpoint, progress and interrupt handler
 * do the rest (`create*Callback`), and `writeRunCheckpoint` writes the resumable state.
 *
 * Randomness: the weights come from `createDensityModel({seed})`, the data order and augmentation
 * from `createRng(seed)`. Dropout masks: on ONNX Runtime from a seeded generator whose position
 * is checkpointed (runs are reproducible); on TF.js from TF.js's own unseeded generator (a fixed
 * dropout seed would repeat one mask at every step), so two TF.js runs agree in their data but
 * not bit for bit in their weights.
 *
 * Reference: the original use case's `Train_ResNet.py` (Keras 2.2.4: `fit_generator`, batch 4,
 * 100 epochs, `ReduceLROnPlateau(monitor='val_loss', factor=0.1, patience=15, min_lr=0.001)`,
 * `ModelCheckpoint(monitor='val_acc', save_best_only=True)`).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { createDensityEngine } from '../engine/createDensityEngine';
import type { EngineKind } from '../engine/densityEngine';
import { loadDensityModel } from '../modelFiles/loadDensityModel';
import { saveDensityModel } from '../modelFiles/saveDensityModel';
import type { ProgressState } from '../progress/createProgress';
import type { AugmentOptions } from '../data/augmentImage';
import { UsageError } from '../errors';
import { datasetBatches } from '../data/datasetBatches';
import { createInlineImageLoader, type BatchImageLoader } from '../data/createInlineImageLoader';
import { createWorkerImageLoader } from '../data/createWorkerImageLoader';
import type { ImageDataset } from '../data/readImageDataset';
import type { Projection } from '../model/constants';
import type { OptimizerName } from './createOptimizer';
import { createHistoryCallback } from './createHistoryCallback';
import { createInterruptCallback } from './createInterruptCallback';
import { createModelCheckpointCallback } from './createModelCheckpointCallback';
import { createProgressCallback } from './createProgressCallback';
import { createReduceLrCallback } from './createReduceLrCallback';
import type { ReduceLrOnPlateauOptions } from './reduceLrOnPlateau';
import { recalibrateBatchNorm } from './recalibrateBatchNorm';
import { removeUnusedOutDir } from './removeUnusedOutDir';
import { startTrainRun } from './startTrainRun';
import type { TrainCallback, EpochLogs } from './trainCallback';
import type { TrainHistory } from './trainingHistory';
import type { TrainingEngineName } from './trainingEngine';
import type { TrainRun } from './trainRun';
import { writeRunCheckpoint } from './writeRunCheckpoint';

/** Options of {@link trainDensityModel}. */
export interface TrainOptions {
  /** Dataset root (`<root>/<PROJECTION>/<split>/<A|B|C|D>/`, or any level below). */
  data: string;
  /** Projection folder to use when the root holds several. */
  projection?: Projection;
  /** Training split folder. Default `train`. */
  trainSplit?: string;
  /** Validation split folder. Default `val`. */
  valSplit?: string;
  /** Dataset root of the validation split when not `data`. */
  valData?: string;
  /** Output folder: checkpoints, best models, history files, and the final best model. */
  outDir: string;
  /** Network input `[h, w]` or a square side. Default 650 (the original). */
  inputSize?: number | [number, number];
  /** Total epochs (including those already done when resuming). Default 100. */
  epochs?: number;
  /** Images per batch. Default 4 (the original). */
  batchSize?: number;
  /** Optimiser. Default `sgd` (the original's final run). */
  optimizer?: OptimizerName;
  /** Initial learning rate. Default: Keras default of the optimiser (SGD 0.01). */
  learningRate?: number;
  /** ReduceLROnPlateau settings. Default: factor 0.1, patience 15, min_lr 0.001. */
  lrSchedule?: ReduceLrOnPlateauOptions;
  /** Seed of weights, data order and augmentation. Default 0. */
  seed?: number;
  /** Augmentation; default the original's; `null` for none. */
  augment?: AugmentOptions | null;
  /** Continue from the newest checkpoint in `outDir` (error when there is none). */
  resume?: boolean;
  /** Start from the weights of this model directory (fine-tuning) instead of random weights. */
  initModel?: string;
  /**
   * With `initModel`: mirror its convolution kernels left–right, so the network starts as the
   * saved one looking at mirrored images (a left-view model from a right-view one).
   */
  initMirrored?: boolean;
  /** Train this model in place (the caller keeps ownership) instead of creating one. */
  model?: tf.LayersModel;
  /**
   * Before each validation, re-estimate the BN moving statistics from this many (un-augmented)
   * training images ({@link recalibrateBatchNorm}, "precise BN"). Default 0: off, as the
   * original; useful for short runs, whose momentum-0.99 averages have not converged.
   */
  bnRecalibrationImages?: number;
  /** Keep every `weights-improvement-*` directory (Keras style) instead of only the best. */
  keepAllImprovements?: boolean;
  /**
   * Replace a previous training output at `outDir` (only what training wrote; see
   * `prepareTrainOutDir`). Without it, an `outDir` holding a trained model is refused.
   */
  overwrite?: boolean;
  /** Use at most this many batches per epoch (Keras `steps_per_epoch`). Default: all. */
  maxStepsPerEpoch?: number;
  /** Progress: `auto` (bar on a terminal), `silent`, or a sink (notebook live view). */
  progress?: 'auto' | 'silent' | ((state: ProgressState) => void);
  /** Called after every completed epoch (e.g. to redraw live curves). */
  onEpochEnd?: (record: EpochRecord) => void;
  /** Stop at the next batch boundary and save a mid-epoch checkpoint. */
  signal?: AbortSignal;
  /** The command line to record in the model metadata and README. */
  command?: string;
  /** Where one-line messages go. Default: stderr. */
  log?: (line: string) => void;
  /** Engine of the steps: `onnx` or `tfjs`; default `DENSITY_ENGINE`, else ONNX Runtime. */
  engine?: TrainingEngineName;
  /**
   * Worker threads that decode and resize the next batch's images while the current batch
   * trains (`createWorkerImageLoader`). Default 1; 0 decodes on the main thread, between steps.
   * The batches are the same either way.
   */
  loaderWorkers?: number;
}

/** What {@link TrainOptions.onEpochEnd} receives. */
export interface EpochRecord {
  /** Epoch number, from 1. */
  epoch: number;
  /** Total epochs of the run. */
  epochs: number;
  loss: number;
  acc: number;
  valLoss: number;
  valAcc: number;
  /** Learning rate used during this epoch. */
  lr: number;
  /** Learning rate for the next epoch (after ReduceLROnPlateau). */
  nextLr: number;
  /** Whether this epoch is the best so far on validation accuracy (a model was saved). */
  improved: boolean;
  /** Training images per second during this epoch. */
  imagesPerSecond: number;
  seconds: number;
  /** `tf.memory().numTensors` after the epoch (constant from epoch to epoch: no leak). */
  numTensors: number;
  /** The whole history so far. */
  history: TrainHistory;
}

/** Result of {@link trainDensityModel}. */
export interface TrainResult {
  history: TrainHistory;
  /** Epochs completed. */
  epochsCompleted: number;
  /** Best validation accuracy, its epoch and directory (null before the first epoch). */
  best: { valAcc: number; epoch: number; dir: string } | null;
  /** `outDir` when it holds the final best model (after a completed run), else null. */
  modelDir: string | null;
  /** Whether the run was stopped by the signal (a checkpoint was written). */
  interrupted: boolean;
  /** The newest checkpoint directory. */
  checkpoint: string | null;
}

/** Epoch-mean loss and accuracy accumulator. */
interface Sums {
  lossSum: number;
  correct: number;
  seen: number;
}

/**
 * Keras categorical cross-entropy summed over a batch, and the correct count: probabilities
 * normalised per row and clipped to [1e-7, 1 − 1e-7] (as `keras.losses.categorical_crossentropy`).
 * @param p Probabilities, row-major `[n, k]`; y One-hot labels, same shape.
 */
function batchLossAndCorrect(
  p: Float32Array,
  y: Float32Array,
  k: number,
): { lossSum: number; correct: number } {
  let lossSum = 0;
  let correct = 0;
  for (let o = 0; o < p.length; o += k) {
    let total = 0;
    for (let j = 0; j < k; j++) total += p[o + j];
    let best = 0;
    let truth = 0;
    for (let j = 0; j < k; j++) {
      const q = Math.min(Math.max(p[o + j] / total, 1e-7), 1 - 1e-7);
      lossSum -= y[o + j] * Math.log(q);
      if (p[o + j] > p[o + best]) best = j;
      if (y[o + j] > y[o + truth]) truth = j;
    }
    if (best === truth) correct++;
  }
  return { lossSum, correct };
}

/**
 * Evaluate on a dataset in inference mode (BN moving statistics, no dropout, no augmentation),
 * on a {@link DensityEngine} made from the model's current weights (ONNX Runtime by default: at
 * 650×650 a validation pass is 6× faster than on TF.js wasm).
 * @param engine Engine kind; default as `createDensityEngine` chooses (`DENSITY_ENGINE`).
 * @param loader Image loader at `inputSize` (not closed here); default inline.
 * @returns Mean loss and accuracy over all images.
 */
export async function evaluateDataset(
  model: tf.LayersModel,
  ds: ImageDataset,
  inputSize: [number, number],
  batchSize: number,
  engine?: EngineKind,
  loader?: BatchImageLoader,
): Promise<{ loss: number; acc: number }> {
  const sums: Sums = { lossSum: 0, correct: 0, seen: 0 };
  const runner = await createDensityEngine(model, { engine, report: null });
  try {
    for await (const batch of datasetBatches(ds, { batchSize, inputSize, loader })) {
      try {
        const n = batch.items.length;
        const out = await runner.forward(batch.xs.dataSync() as Float32Array, n);
        const r = batchLossAndCorrect(
          out.probabilities,
          batch.ys.dataSync() as Float32Array,
          runner.numClasses,
        );
        sums.lossSum += r.lossSum;
        sums.correct += r.correct;
        sums.seen += n;
      } finally {
        tf.dispose([batch.xs, batch.ys]);
      }
    }
  } finally {
    await runner.dispose();
  }
  return { loss: sums.lossSum / sums.seen, acc: sums.correct / sums.seen };
}

/** About `images` training images (a fixed seeded sample), un-augmented, as input batches. */
async function* recalibrationInputs(
  ds: ImageDataset,
  images: number,
  batchSize: number,
  loader: BatchImageLoader,
): AsyncGenerator<tf.Tensor4D> {
  let seen = 0;
  const inputSize = loader.inputSize;
  for await (const batch of datasetBatches(ds, {
    batchSize,
    inputSize,
    shuffle: true,
    seed: 0,
    loader,
  })) {
    tf.dispose(batch.ys);
    try {
      yield batch.xs;
    } finally {
      batch.xs.dispose();
    }
    seen += batch.items.length;
    if (seen >= images) break;
  }
}

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Train the batches of one epoch (from `run.stepInEpoch`); returns the sums and seconds. */
async function trainEpoch(
  run: TrainRun,
  epoch: number,
  callbacks: TrainCallback[],
  loader: BatchImageLoader,
): Promise<Sums & { seconds: number }> {
  run.rng.setState(run.epochRngState);
  const sums: Sums = run.partial
    ? { lossSum: run.partial.lossSum, correct: run.partial.correct, seen: run.partial.seen }
    : { lossSum: 0, correct: 0, seen: 0 };
  const before = run.partial?.seconds ?? 0;
  const started = Date.now();
  const seconds = () => before + (Date.now() - started) / 1000;
  run.engine.setLearningRate(run.lr);
  const batches = datasetBatches(run.trainSet, {
    batchSize: run.batchSize,
    inputSize: run.inputSize,
    shuffle: true,
    rng: run.rng,
    augment: run.augment,
    startBatch: run.stepInEpoch,
    loader,
  });
  for await (const batch of batches) {
    if (batch.index >= run.stepsPerEpoch) {
      tf.dispose([batch.xs, batch.ys]);
      break;
    }
    const n = batch.items.length;
    try {
      const r = await run.engine.trainStep(batch.xs, batch.ys);
      sums.lossSum += r.loss * n;
      sums.correct += r.correct;
      sums.seen += n;
    } finally {
      tf.dispose([batch.xs, batch.ys]);
    }
    run.stepInEpoch = batch.index + 1;
    const logs = {
      epoch,
      step: run.stepInEpoch,
      loss: sums.lossSum / sums.seen,
      acc: sums.correct / sums.seen,
      seen: sums.seen,
      seconds: seconds(),
      images: n,
    };
    await nextTick(); // let SIGINT/SIGTERM handlers run between batches
    for (const c of callbacks) c.onBatchEnd?.(run, logs);
    if (run.stopRequested) break;
  }
  return { ...sums, seconds: seconds() };
}

/** Validation, callbacks and the checkpoint at the end of an epoch. */
async function endEpoch(
  run: TrainRun,
  epoch: number,
  sums: Sums & { seconds: number },
  trainEnded: number,
  options: TrainOptions,
  callbacks: TrainCallback[],
  loader: BatchImageLoader,
): Promise<void> {
  run.engine.syncModel();
  const images = options.bnRecalibrationImages ?? 0;
  if (images > 0) {
    const inputs = recalibrationInputs(run.trainSet, images, run.batchSize, loader);
    await recalibrateBatchNorm(run.model, inputs);
    run.engine.reloadFromModel();
  }
  const val = await evaluateDataset(
    run.model,
    run.valSet,
    run.inputSize,
    run.batchSize,
    run.engine.name,
    loader,
  );
  const logs: EpochLogs = {
    epoch,
    loss: sums.lossSum / sums.seen,
    acc: sums.correct / sums.seen,
    valLoss: val.loss,
    valAcc: val.acc,
    lr: run.lr,
    nextLr: run.lr,
    improved: false,
    trainSeconds: sums.seconds,
    seconds: sums.seconds + (Date.now() - trainEnded) / 1000,
    seen: sums.seen,
  };
  for (const c of callbacks) await c.onEpochEnd?.(run, logs);
  run.epochsCompleted = epoch;
  run.stepInEpoch = 0;
  run.partial = null;
  run.epochRngState = run.rng.state();
  run.lr = logs.nextLr;
  run.engine.setLearningRate(run.lr);
  await writeRunCheckpoint(run);
  for (const c of callbacks) await c.afterCheckpoint?.(run, logs);
  options.onEpochEnd?.({
    epoch,
    epochs: run.epochs,
    loss: logs.loss,
    acc: logs.acc,
    valLoss: val.loss,
    valAcc: val.acc,
    lr: logs.lr,
    nextLr: run.lr,
    improved: logs.improved,
    imagesPerSecond: sums.seen / Math.max(logs.trainSeconds, 1e-9),
    seconds: logs.seconds,
    numTensors: tf.memory().numTensors,
    history: run.history,
  });
}

/** The epochs; returns whether the run was interrupted. */
async function fit(
  run: TrainRun,
  options: TrainOptions,
  callbacks: TrainCallback[],
  loader: BatchImageLoader,
): Promise<boolean> {
  while (run.epochsCompleted < run.epochs) {
    const epoch = run.epochsCompleted + 1;
    if (options.signal?.aborted && run.stepInEpoch === 0) {
      const at = run.lastCheckpoint ? path.basename(run.lastCheckpoint) : '(none yet)';
      run.log(
        `interrupted after epoch ${run.epochsCompleted}; checkpoint ${at}; continue with --resume`,
      );
      return true;
    }
    const sums = await trainEpoch(run, epoch, callbacks, loader);
    const trainEnded = Date.now();
    if (run.stopRequested) {
      run.partial = {
        lossSum: sums.lossSum,
        correct: sums.correct,
        seen: sums.seen,
        seconds: sums.seconds,
      };
      const dir = await writeRunCheckpoint(run);
      run.log(
        `interrupted in epoch ${epoch} after ${run.stepInEpoch}/${run.stepsPerEpoch} batches; checkpoint ${path.basename(dir)} written; continue with --resume`,
      );
      return true;
    }
    await endEpoch(run, epoch, sums, trainEnded, options, callbacks, loader);
  }
  return false;
}

/** After a completed run `outDir` itself becomes a model directory with the best weights. */
async function writeFinalModel(run: TrainRun, options: TrainOptions): Promise<void> {
  const best = run.best!;
  const bestModel = await loadDensityModel(path.join(run.outDir, best.name));
  try {
    const meta = bestModel.metadata;
    await saveDensityModel(bestModel.model, run.outDir, {
      ...meta,
      provenance: {
        ...meta.provenance,
        // Where the starting weights came from, with the whole --init chain (a best model
        // saved by an older version may lack it).
        ...run.origin,
        // The command of the run that completed (the best epoch may come from an earlier,
        // resumed run with a smaller --epochs).
        ...(options.command !== undefined ? { command: options.command } : {}),
        // Every run that contributed, when the training was resumed.
        ...(run.runs.length > 1 ? { trainingRuns: run.runs } : {}),
        epochs: run.epochsCompleted,
        bestCheckpoint: best.name,
      },
    });
  } finally {
    bestModel.model.dispose();
  }
}

/**
 * Train a breast-density network (see the file comment for the recipe).
 *
 * Writes into `outDir`: `weights-improvement-EE-0.AA/` (best model so far, a model directory),
 * `checkpoint-eNNNN-sNNNNN/` (resume state), `acc_train.txt`, `acc_val.txt`, `loss_train.txt`,
 * `loss_val.txt`, `history.csv`; when the run completes, `outDir` itself becomes a model
 * directory holding the best weights (`loadDensityModel(outDir)`). All writes are atomic.
 * @param options Data, output, input size, epochs, optimiser, schedule, seed, resume, engine…
 * @returns History, best epoch, whether interrupted. Tensors: none returned; the created model
 *   is disposed (a model passed in `options.model` is trained in place and kept). The engine's
 *   session is released.
 * @throws InputError for a missing/empty dataset, an unwritable output folder, `resume` without
 *   a checkpoint, or a checkpoint made with other settings; UsageError for a bad or unavailable
 *   forced engine.
 */
export async function trainDensityModel(options: TrainOptions): Promise<TrainResult> {
  const { run, createdOutDir } = await startTrainRun(options);
  const callbacks: TrainCallback[] = [
    createReduceLrCallback(),
    createHistoryCallback(),
    createModelCheckpointCallback(options.keepAllImprovements ?? false),
    createProgressCallback(run, options.progress ?? 'auto'),
    createInterruptCallback(options.signal),
  ];
  let loader: BatchImageLoader | undefined;
  try {
    loader = await createTrainLoader(run.inputSize, options.loaderWorkers ?? 1);
    let interrupted: boolean;
    try {
      interrupted = await fit(run, options, callbacks, loader);
    } finally {
      for (const c of callbacks) c.onTrainEnd?.(run);
    }
    const complete = !interrupted && run.epochsCompleted >= run.epochs && run.best !== null;
    if (complete) await writeFinalModel(run, options);
    const best = run.best;
    return {
      history: run.history,
      epochsCompleted: run.epochsCompleted,
      best: best
        ? { valAcc: best.valAcc, epoch: best.epoch, dir: path.join(run.outDir, best.name) }
        : null,
      modelDir: complete ? run.outDir : null,
      interrupted,
      checkpoint: run.lastCheckpoint,
    };
  } catch (err) {
    // A run that failed before writing anything leaves no empty output folder behind.
    removeUnusedOutDir(createdOutDir, run.outDir);
    throw err;
  } finally {
    await loader?.close();
    await run.engine.dispose();
    if (options.model === undefined) run.model.dispose();
  }
}

/** The run's image loader: `workers` decoding threads, or inline for 0. */
async function createTrainLoader(
  inputSize: [number, number],
  workers: number,
): Promise<BatchImageLoader> {
  if (!Number.isInteger(workers) || workers < 0) {
    throw new UsageError(`loaderWorkers: expected a whole number ≥ 0, got ${workers}`);
  }
  return workers === 0
    ? createInlineImageLoader(inputSize)
    : createWorkerImageLoader({ inputSize, workers });
}
