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
 * Randomness: the weights come from `createDensityModel({seed})`, the data order and augmentation
 * from `createRng(seed)`; the dropout masks come from TF.js's own unseeded generator (a fixed
 * dropout seed would repeat one mask at every step), so two runs agree in their data but not
 * bit for bit in their weights.
 *
 * Reference: the original use case's `Train_ResNet.py` (Keras 2.2.4: `fit_generator`, batch 4,
 * 100 epochs, `ReduceLROnPlateau(monitor='val_loss', factor=0.1, patience=15, min_lr=0.001)`,
 * `ModelCheckpoint(monitor='val_acc', save_best_only=True)`).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { ensureWritableDir, removeStaleTemporaries } from '../io/atomicWrite';
import { outputMarker } from '../io/outputMarker';
import { prepareTrainOutDir } from './prepareTrainOutDir';
import { warnEmptyClasses } from './warnEmptyClasses';
import { createDensityModel, resolveInputSize } from '../model/createDensityModel';
import type { Projection } from '../model/constants';
import { loadDensityModel } from '../modelFiles/loadDensityModel';
import { createModelMetadata, type ModelMetadata } from '../modelFiles/modelMetadata';
import { saveDensityModel } from '../modelFiles/saveDensityModel';
import { createProgress, type ProgressState } from '../progress/createProgress';
import { ORIGINAL_AUGMENTATION, type AugmentOptions } from '../data/augmentImage';
import { createRng } from '../data/createRng';
import { batchCount, datasetBatches } from '../data/datasetBatches';
import { readImageDataset, type ImageDataset } from '../data/readImageDataset';
import {
  createOptimizer,
  setLearningRate,
  DEFAULT_LEARNING_RATES,
  type OptimizerName,
} from './createOptimizer';
import { createReduceLrOnPlateau, type ReduceLrOnPlateauOptions } from './reduceLrOnPlateau';
import { recalibrateBatchNorm } from './recalibrateBatchNorm';
import { registerWasmTrainingKernels } from './registerWasmTrainingKernels';
import {
  listCheckpoints,
  loadTrainCheckpoint,
  saveTrainCheckpoint,
  type PartialEpoch,
  type TrainCheckpointState,
  type TrainConfigFingerprint,
} from './trainCheckpoint';
import { emptyHistory, writeHistoryFiles, type TrainHistory } from './trainingHistory';

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

/** Keras `ModelCheckpoint` file name of the original: `weights-improvement-{epoch:02d}-{val_acc:.2f}`. */
export function improvementName(epoch: number, valAcc: number): string {
  return `weights-improvement-${String(epoch).padStart(2, '0')}-${valAcc.toFixed(2)}`;
}
const IMPROVEMENT_RE = /^weights-improvement-(\d+)-\d\.\d\d$/;

/** Epoch-mean loss and accuracy accumulator. */
interface Sums {
  lossSum: number;
  correct: number;
  seen: number;
}

/** Loss (mean categorical cross-entropy, Keras formula) and correct count of one batch. */
function evaluateBatch(
  model: tf.LayersModel,
  xs: tf.Tensor4D,
  ys: tf.Tensor2D,
): { loss: number; correct: number } {
  return tf.tidy(() => {
    const p = model.apply(xs, { training: false }) as tf.Tensor2D;
    const loss = tf.mean(tf.metrics.categoricalCrossentropy(ys, p)).dataSync()[0];
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(ys, 1)), 'float32'));
    return { loss, correct: correct.dataSync()[0] };
  });
}

/**
 * Evaluate on a dataset in inference mode (BN moving statistics, no dropout, no augmentation).
 * @returns Mean loss and accuracy over all images.
 */
export async function evaluateDataset(
  model: tf.LayersModel,
  ds: ImageDataset,
  inputSize: [number, number],
  batchSize: number,
): Promise<{ loss: number; acc: number }> {
  const sums: Sums = { lossSum: 0, correct: 0, seen: 0 };
  for await (const batch of datasetBatches(ds, { batchSize, inputSize })) {
    try {
      const r = evaluateBatch(model, batch.xs, batch.ys);
      const n = batch.items.length;
      sums.lossSum += r.loss * n;
      sums.correct += r.correct;
      sums.seen += n;
    } finally {
      tf.dispose([batch.xs, batch.ys]);
    }
  }
  return { loss: sums.lossSum / sums.seen, acc: sums.correct / sums.seen };
}

/**
 * One optimisation step (training mode: batch statistics, dropout; BN moving averages updated).
 * @returns The batch's mean loss and correct count.
 */
function trainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  variables: tf.Variable[],
  xs: tf.Tensor4D,
  ys: tf.Tensor2D,
): { loss: number; correct: number } {
  let correctT: tf.Tensor | undefined;
  const lossT = optimizer.minimize(
    () => {
      const p = model.apply(xs, { training: true }) as tf.Tensor2D;
      correctT = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(ys, 1)), 'float32')));
      return tf.mean(tf.metrics.categoricalCrossentropy(ys, p)) as tf.Scalar;
    },
    true,
    variables,
  );
  try {
    const loss = lossT!.dataSync()[0];
    const correct = correctT!.dataSync()[0];
    return { loss, correct };
  } finally {
    tf.dispose([lossT!, correctT!]);
  }
}

function listImprovements(outDir: string): { name: string; epoch: number }[] {
  if (!fs.existsSync(outDir)) return [];
  return fs
    .readdirSync(outDir)
    .map((name) => ({ name, m: IMPROVEMENT_RE.exec(name) }))
    .filter((e) => e.m !== null && fs.existsSync(path.join(outDir, e.name, 'model.json')))
    .map((e) => ({ name: e.name, epoch: Number(e.m![1]) }));
}

/** About `images` training images (a fixed seeded sample), un-augmented, as input batches. */
async function* recalibrationInputs(
  ds: ImageDataset,
  images: number,
  batchSize: number,
  inputSize: [number, number],
): AsyncGenerator<tf.Tensor4D> {
  let seen = 0;
  for await (const batch of datasetBatches(ds, { batchSize, inputSize, shuffle: true, seed: 0 })) {
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

/**
 * Train a breast-density network (see the file comment for the recipe).
 *
 * Writes into `outDir`: `weights-improvement-EE-0.AA/` (best model so far, a model directory),
 * `checkpoint-eNNNN-sNNNNN/` (resume state), `acc_train.txt`, `acc_val.txt`, `loss_train.txt`,
 * `loss_val.txt`, `history.csv`; when the run completes, `outDir` itself becomes a model
 * directory holding the best weights (`loadDensityModel(outDir)`). All writes are atomic.
 * @param options Data, output, input size, epochs, optimiser, schedule, seed, resume…
 * @returns History, best epoch, whether interrupted. Tensors: none returned; the created model
 *   is disposed (a model passed in `options.model` is trained in place and kept).
 * @throws InputError for a missing/empty dataset, an unwritable output folder, `resume` without
 *   a checkpoint, or a checkpoint made with other settings.
 */
export async function trainDensityModel(options: TrainOptions): Promise<TrainResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const inputSize = resolveInputSize(options.inputSize);
  const epochs = options.epochs ?? 100;
  const batchSize = options.batchSize ?? 4;
  const optimizerName: OptimizerName = options.optimizer ?? 'sgd';
  const seed = options.seed ?? 0;
  const augment = options.augment === undefined ? ORIGINAL_AUGMENTATION : options.augment;
  for (const [name, v, min] of [
    ['epochs', epochs, 1],
    ['batchSize', batchSize, 1],
    ['maxStepsPerEpoch', options.maxStepsPerEpoch ?? 1, 1],
  ] as const) {
    tf.util.assert(
      Number.isInteger(v) && v >= min,
      () => `${name}: expected a whole number ≥ ${min}, got ${v}`,
    );
  }
  const outDir = path.resolve(options.outDir);

  const trainSet = readImageDataset(options.data, {
    projection: options.projection,
    split: options.trainSplit ?? 'train',
  });
  const valSet = readImageDataset(options.valData ?? options.data, {
    projection: options.projection,
    split: options.valSplit ?? 'val',
  });
  const projection = options.projection ?? trainSet.projection ?? null;
  warnEmptyClasses(trainSet, valSet, log);
  const createdOutDir = !fs.existsSync(outDir);
  ensureWritableDir(outDir);
  removeStaleTemporaries(outDir);
  if (!options.resume) prepareTrainOutDir(outDir, options.overwrite === true);

  if (tf.getBackend() === 'wasm') registerWasmTrainingKernels();
  const config: TrainConfigFingerprint = {
    inputSize,
    batchSize,
    optimizer: optimizerName,
    projection,
    seed,
    augment: augment !== null,
  };

  const ownsModel = options.model === undefined;
  let model: tf.LayersModel | undefined = options.model;
  let optimizer: tf.Optimizer | undefined;
  const schedule = createReduceLrOnPlateau(options.lrSchedule);
  let history = emptyHistory();
  let epochsCompleted = 0;
  let stepInEpoch = 0;
  let partial: PartialEpoch | null = null;
  let best: TrainCheckpointState['best'] = null;
  const rng = createRng(seed);
  let epochRngState = rng.state();
  let lr = options.learningRate ?? DEFAULT_LEARNING_RATES[optimizerName];
  let lastCheckpoint: string | null = null;
  const thisRun = options.command !== undefined ? [options.command] : [];
  let runs: string[] = thisRun;

  const metadataFor = (extra: Record<string, unknown>): ModelMetadata =>
    createModelMetadata(
      inputSize,
      {
        createdBy: 'train',
        backend: tf.getBackend(),
        data: options.data,
        command: options.command,
        optimizer: optimizerName,
        learningRate: options.learningRate ?? DEFAULT_LEARNING_RATES[optimizerName],
        batchSize,
        seed,
        augmentation: augment,
        lrSchedule: schedule.options,
        bnRecalibrationImages: options.bnRecalibrationImages ?? 0,
        trainImages: trainSet.items.length,
        valImages: valSet.items.length,
        ...extra,
      },
      projection,
    );

  try {
    if (options.resume) {
      const checkpoints = listCheckpoints(outDir);
      if (checkpoints.length === 0) {
        throw new InputError(`${outDir}: no training checkpoint to resume (checkpoint-* folder)`);
      }
      const ckpt = loadTrainCheckpoint(checkpoints[checkpoints.length - 1]);
      try {
        const s = ckpt.state;
        const diff = (Object.keys(config) as (keyof TrainConfigFingerprint)[]).filter(
          (k) => JSON.stringify(config[k]) !== JSON.stringify(s.config[k]),
        );
        if (diff.length > 0) {
          throw new InputError(
            `${ckpt.dir}: checkpoint was made with other settings: ${diff
              .map((k) => `${k} ${JSON.stringify(s.config[k])} (now ${JSON.stringify(config[k])})`)
              .join(', ')}`,
          );
        }
        const loaded = await loadDensityModel(ckpt.modelDir);
        if (model) {
          model.setWeights(loaded.model.getWeights());
          loaded.model.dispose();
        } else {
          model = loaded.model;
        }
        optimizer = createOptimizer(optimizerName, s.lr);
        await optimizer.setWeights(ckpt.optimizerWeights);
        schedule.restore(s.schedule);
        history = s.history;
        epochsCompleted = s.epochsCompleted;
        stepInEpoch = s.stepInEpoch;
        partial = s.partial;
        best = s.best;
        epochRngState = s.epochRngState;
        lr = s.lr;
        runs = [...(s.runs ?? []), ...thisRun];
        lastCheckpoint = ckpt.dir;
      } finally {
        tf.dispose(ckpt.optimizerWeights.map((w) => w.tensor));
      }
      // Best models of an epoch that never reached its checkpoint are stale.
      for (const imp of listImprovements(outDir)) {
        if (
          imp.epoch > epochsCompleted ||
          (!options.keepAllImprovements && imp.name !== best?.name)
        ) {
          fs.rmSync(path.join(outDir, imp.name), { recursive: true, force: true });
        }
      }
      writeHistoryFiles(outDir, history);
      log(
        `resuming ${outDir} after epoch ${epochsCompleted}${stepInEpoch > 0 ? ` and ${stepInEpoch} batches` : ''} (lr ${lr})`,
      );
    } else {
      if (listCheckpoints(outDir).length > 0) {
        throw new InputError(
          `${outDir}: holds a training checkpoint; use --resume to continue it, or another --out`,
        );
      }
      if (!model) {
        if (options.initModel) {
          const loaded = await loadDensityModel(options.initModel);
          if (loaded.metadata.inputSize.join('x') !== inputSize.join('x')) {
            loaded.model.dispose();
            throw new InputError(
              `${options.initModel}: input size ${loaded.metadata.inputSize.join('x')} differs from the requested ${inputSize.join('x')}`,
            );
          }
          model = loaded.model;
        } else {
          model = createDensityModel({ inputSize, seed });
        }
      }
      optimizer = createOptimizer(optimizerName, lr);
    }
    const shape = model.inputs[0].shape;
    tf.util.assert(
      shape[1] === inputSize[0] && shape[2] === inputSize[1],
      () => `model input ${JSON.stringify(shape)} does not match inputSize ${inputSize.join('x')}`,
    );
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);

    const stepsPerEpoch = Math.min(
      batchCount(trainSet, batchSize),
      options.maxStepsPerEpoch ?? Number.MAX_SAFE_INTEGER,
    );
    const imagesPerEpoch = Math.min(trainSet.items.length, stepsPerEpoch * batchSize);
    const remainingImages = Math.max(
      0,
      (epochs - epochsCompleted) * imagesPerEpoch -
        Math.min(stepInEpoch * batchSize, imagesPerEpoch),
    );
    const progress = createProgress({
      total: remainingImages,
      label: `train ${projection ?? ''}`.trim(),
      unit: 'images',
      sink: options.progress ?? 'auto',
    });
    let imagesDone = 0;
    let interrupted = false;
    try {
      while (epochsCompleted < epochs && !interrupted) {
        const epoch = epochsCompleted + 1;
        if (options.signal?.aborted && stepInEpoch === 0) {
          interrupted = true;
          log(
            `interrupted after epoch ${epochsCompleted}; checkpoint ${lastCheckpoint ? path.basename(lastCheckpoint) : '(none yet)'}; continue with --resume`,
          );
          break;
        }
        rng.setState(epochRngState);
        const sums: Sums = partial
          ? { lossSum: partial.lossSum, correct: partial.correct, seen: partial.seen }
          : { lossSum: 0, correct: 0, seen: 0 };
        const secondsBefore = partial?.seconds ?? 0;
        const started = Date.now();
        let step = stepInEpoch;
        setLearningRate(optimizer, lr);
        const batches = datasetBatches(trainSet, {
          batchSize,
          inputSize,
          shuffle: true,
          rng,
          augment,
          startBatch: stepInEpoch,
        });
        for await (const batch of batches) {
          if (batch.index >= stepsPerEpoch) {
            tf.dispose([batch.xs, batch.ys]);
            break;
          }
          try {
            const r = trainStep(model, optimizer, variables, batch.xs, batch.ys);
            const n = batch.items.length;
            sums.lossSum += r.loss * n;
            sums.correct += r.correct;
            sums.seen += n;
            imagesDone += n;
          } finally {
            tf.dispose([batch.xs, batch.ys]);
          }
          step = batch.index + 1;
          const elapsed = secondsBefore + (Date.now() - started) / 1000;
          progress.update(imagesDone, {
            epoch: `${epoch}/${epochs}`,
            step: `${step}/${stepsPerEpoch}`,
            loss: sums.lossSum / sums.seen,
            acc: sums.correct / sums.seen,
            'img/s': Number((sums.seen / Math.max(elapsed, 1e-9)).toFixed(2)),
          });
          await nextTick(); // let SIGINT/SIGTERM handlers run between batches
          if (options.signal?.aborted && step < stepsPerEpoch) {
            interrupted = true;
            break;
          }
        }
        if (interrupted) {
          partial = {
            ...sums,
            seconds: secondsBefore + (Date.now() - started) / 1000,
          };
          lastCheckpoint = await saveTrainCheckpoint(
            outDir,
            model,
            optimizer,
            {
              epochsCompleted,
              stepInEpoch: step,
              epochRngState,
              partial,
              lr,
              schedule: schedule.state(),
              best,
              history,
              config,
              runs,
            },
            metadataFor({ epochs: epochsCompleted }),
          );
          log(
            `interrupted in epoch ${epoch} after ${step}/${stepsPerEpoch} batches; checkpoint ${path.basename(lastCheckpoint)} written; continue with --resume`,
          );
          break;
        }
        const trainSeconds = secondsBefore + (Date.now() - started) / 1000;
        if ((options.bnRecalibrationImages ?? 0) > 0) {
          await recalibrateBatchNorm(
            model,
            recalibrationInputs(trainSet, options.bnRecalibrationImages!, batchSize, inputSize),
          );
        }
        const val = await evaluateDataset(model, valSet, inputSize, batchSize);
        const seconds = secondsBefore + (Date.now() - started) / 1000;
        const loss = sums.lossSum / sums.seen;
        const acc = sums.correct / sums.seen;
        const decision = schedule.onEpochEnd(val.loss, lr);
        history.loss.push(loss);
        history.acc.push(acc);
        history.val_loss.push(val.loss);
        history.val_acc.push(val.acc);
        history.lr.push(lr);
        history.seconds.push(Number(seconds.toFixed(3)));
        // Keras ModelCheckpoint(save_best_only, monitor val_acc): strictly greater than the best.
        const improved = best === null || val.acc > best.valAcc;
        const previousBest = best;
        if (improved) {
          best = { valAcc: val.acc, epoch, name: improvementName(epoch, val.acc) };
          await saveDensityModel(
            model,
            path.join(outDir, best.name),
            metadataFor({
              epochs: epoch,
              bestEpoch: epoch,
              valAccuracy: val.acc,
              valLoss: val.loss,
            }),
          );
        }
        epochsCompleted = epoch;
        stepInEpoch = 0;
        partial = null;
        epochRngState = rng.state();
        lr = decision.lr;
        lastCheckpoint = await saveTrainCheckpoint(
          outDir,
          model,
          optimizer,
          {
            epochsCompleted,
            stepInEpoch: 0,
            epochRngState,
            partial: null,
            lr,
            schedule: schedule.state(),
            best,
            history,
            config,
            runs,
          },
          metadataFor({ epochs: epochsCompleted }),
        );
        writeHistoryFiles(outDir, history);
        if (improved && previousBest && !options.keepAllImprovements) {
          fs.rmSync(path.join(outDir, previousBest.name), { recursive: true, force: true });
        }
        if (decision.reduced)
          log(`epoch ${epoch}: ReduceLROnPlateau reducing learning rate to ${lr}`);
        options.onEpochEnd?.({
          epoch,
          epochs,
          loss,
          acc,
          valLoss: val.loss,
          valAcc: val.acc,
          lr: history.lr[history.lr.length - 1],
          nextLr: lr,
          improved,
          imagesPerSecond: sums.seen / Math.max(trainSeconds, 1e-9),
          seconds,
          numTensors: tf.memory().numTensors,
          history,
        });
      }
    } finally {
      progress.stop();
    }

    let modelDir: string | null = null;
    if (!interrupted && epochsCompleted >= epochs && best) {
      // The run is complete: outDir itself becomes a model directory with the best weights.
      const bestModel = await loadDensityModel(path.join(outDir, best.name));
      try {
        const meta = bestModel.metadata;
        await saveDensityModel(bestModel.model, outDir, {
          ...meta,
          provenance: {
            ...meta.provenance,
            // The command of the run that completed (the best epoch may come from an earlier,
            // resumed run with a smaller --epochs).
            ...(options.command !== undefined ? { command: options.command } : {}),
            // Every run that contributed, when the training was resumed.
            ...(runs.length > 1 ? { trainingRuns: runs } : {}),
            epochs: epochsCompleted,
            bestCheckpoint: best.name,
          },
        });
      } finally {
        bestModel.model.dispose();
      }
      modelDir = outDir;
    }
    return {
      history,
      epochsCompleted,
      best: best
        ? { valAcc: best.valAcc, epoch: best.epoch, dir: path.join(outDir, best.name) }
        : null,
      modelDir,
      interrupted,
      checkpoint: lastCheckpoint,
    };
  } catch (err) {
    // A run that failed before writing anything leaves no empty output folder behind.
    if (
      createdOutDir &&
      fs.existsSync(outDir) &&
      fs.readdirSync(outDir).every((n) => n === outputMarker.name)
    ) {
      fs.rmSync(outDir, { recursive: true });
    }
    throw err;
  } finally {
    optimizer?.dispose();
    if (ownsModel) model?.dispose();
  }
}
