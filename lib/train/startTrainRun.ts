/**
 * The start of a training run: settings checked, datasets read, output folder prepared, and the
 * model, engine and loop state either created fresh or restored from the newest checkpoint.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { ensureWritableDir, removeStaleTemporaries } from '../io/atomicWrite';
import { prepareTrainOutDir } from './prepareTrainOutDir';
import { removeUnusedOutDir } from './removeUnusedOutDir';
import { warnEmptyClasses } from './warnEmptyClasses';
import { createDensityModel, resolveInputSize } from '../model/createDensityModel';
import { loadDensityModel, readModelMetadata } from '../modelFiles/loadDensityModel';
import { createModelMetadata, type ModelProvenance } from '../modelFiles/modelMetadata';
import { ORIGINAL_AUGMENTATION } from '../data/augmentImage';
import { createRng } from '../data/createRng';
import { batchCount } from '../data/datasetBatches';
import { readImageDataset } from '../data/readImageDataset';
import { DEFAULT_LEARNING_RATES, type OptimizerName } from './createOptimizer';
import { createOnnxTrainingEngine } from './createOnnxTrainingEngine';
import { createTfjsTrainingEngine } from './createTfjsTrainingEngine';
import { createReduceLrOnPlateau } from './reduceLrOnPlateau';
import { selectTrainingEngine } from './selectTrainingEngine';
import {
  listCheckpoints,
  loadTrainCheckpoint,
  type TrainConfigFingerprint,
} from './trainCheckpoint';
import { emptyHistory, writeHistoryFiles } from './trainingHistory';
import type { TrainOptions } from './trainDensityModel';
import type { TrainingEngine } from './trainingEngine';
import type { TrainOrigin, TrainRun } from './trainRun';

const IMPROVEMENT_RE = /^weights-improvement-(\d+)-\d\.\d\d$/;

/** The settings part of a run (everything but model, engine and steps). */
type Settings = Omit<TrainRun, 'model' | 'engine' | 'stepsPerEpoch'>;

function settingsOf(options: TrainOptions): Settings & { createdOutDir: boolean } {
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
  const split = (s: string | undefined, d: string) => ({
    projection: options.projection,
    split: s ?? d,
  });
  const trainSet = readImageDataset(options.data, split(options.trainSplit, 'train'));
  const valSet = readImageDataset(options.valData ?? options.data, split(options.valSplit, 'val'));
  const projection = options.projection ?? trainSet.projection ?? null;
  warnEmptyClasses(trainSet, valSet, log);
  const createdOutDir = !fs.existsSync(outDir);
  ensureWritableDir(outDir);
  removeStaleTemporaries(outDir);
  if (!options.resume) prepareTrainOutDir(outDir, options.overwrite === true);
  const config: TrainConfigFingerprint = {
    inputSize,
    batchSize,
    optimizer: optimizerName,
    projection,
    seed,
    augment: augment !== null,
  };
  const schedule = createReduceLrOnPlateau(options.lrSchedule);
  const lr0 = options.learningRate ?? DEFAULT_LEARNING_RATES[optimizerName];
  // Filled in by `fresh` (from --init) or `resume` (from the checkpoint), read when saving.
  const origin: TrainOrigin = {};
  const metadataFor = (extra: Record<string, unknown>) =>
    createModelMetadata(
      inputSize,
      {
        createdBy: 'train',
        backend: tf.getBackend(),
        data: options.data,
        command: options.command,
        optimizer: optimizerName,
        learningRate: lr0,
        batchSize,
        seed,
        augmentation: augment,
        lrSchedule: schedule.options,
        bnRecalibrationImages: options.bnRecalibrationImages ?? 0,
        ...origin,
        trainImages: trainSet.items.length,
        valImages: valSet.items.length,
        ...extra,
      },
      projection,
    );
  const rng = createRng(seed);
  return {
    log,
    outDir,
    inputSize,
    epochs,
    batchSize,
    optimizerName,
    augment,
    trainSet,
    valSet,
    projection,
    config,
    schedule,
    origin,
    metadataFor,
    history: emptyHistory(),
    epochsCompleted: 0,
    stepInEpoch: 0,
    partial: null,
    best: null,
    rng,
    epochRngState: rng.state(),
    lr: lr0,
    lastCheckpoint: null,
    runs: options.command !== undefined ? [options.command] : [],
    stopRequested: false,
    createdOutDir,
  };
}

function listImprovements(outDir: string): { name: string; epoch: number }[] {
  if (!fs.existsSync(outDir)) return [];
  return fs
    .readdirSync(outDir)
    .map((name) => ({ name, m: IMPROVEMENT_RE.exec(name) }))
    .filter((e) => e.m !== null && fs.existsSync(path.join(outDir, e.name, 'model.json')))
    .map((e) => ({ name: e.name, epoch: Number(e.m![1]) }));
}

/** Adopt `loaded` as the run's model: into `into` when the caller passed a model, else itself. */
function adopt(loaded: tf.LayersModel, into: tf.LayersModel | undefined): tf.LayersModel {
  if (!into) return loaded;
  into.setWeights(loaded.getWeights());
  loaded.dispose();
  return into;
}

async function createEngine(
  s: Settings,
  model: tf.LayersModel,
  options: TrainOptions,
): Promise<TrainingEngine> {
  const choice = await selectTrainingEngine(options.engine, s.log);
  const engine =
    choice.name === 'onnx'
      ? await createOnnxTrainingEngine(model, {
          optimizer: s.optimizerName,
          learningRate: s.lr,
          seed: s.config.seed,
        })
      : createTfjsTrainingEngine(model, s.optimizerName, s.lr, s.config.seed);
  s.log(`training engine: ${engine.description}`);
  return engine;
}

/**
 * A provenance with its `--init` chain filled in: a model saved before the chain was recorded
 * names its `--init` model only, and that model's provenance is read now if it still exists.
 * Returns a new object; `p` is not modified.
 */
function withInitChain(p: ModelProvenance): ModelProvenance {
  if (typeof p.initModel !== 'string') return p;
  if (p.initProvenance && typeof p.initProvenance === 'object') {
    return { ...p, initProvenance: withInitChain(p.initProvenance) };
  }
  if (!fs.existsSync(path.join(p.initModel, 'model.json'))) return p;
  return { ...p, initProvenance: withInitChain(readModelMetadata(p.initModel).provenance) };
}

/** The origin recorded in a checkpoint's model (see {@link withInitChain}). */
function originOf(provenance: ModelProvenance): TrainOrigin {
  const p = withInitChain(provenance);
  if (typeof p.initModel !== 'string') return {};
  return {
    initModel: p.initModel,
    ...(p.initMirrored === true ? { initMirrored: true } : {}),
    ...(p.initProvenance ? { initProvenance: p.initProvenance } : {}),
  };
}

/** The command a model's provenance records, as a one-run list (none when not recorded). */
function recordedCommand(provenance: Record<string, unknown> | undefined): string[] {
  return typeof provenance?.command === 'string' ? [provenance.command] : [];
}

/** Restore a run from the newest checkpoint of `s.outDir`. */
async function resume(
  s: Settings,
  options: TrainOptions,
): Promise<{ model: tf.LayersModel; engine: TrainingEngine }> {
  const checkpoints = listCheckpoints(s.outDir);
  if (checkpoints.length === 0)
    throw new InputError(`${s.outDir}: no training checkpoint to resume (checkpoint-* folder)`);
  const ckpt = loadTrainCheckpoint(checkpoints[checkpoints.length - 1]);
  let model: tf.LayersModel | undefined;
  let engine: TrainingEngine | undefined;
  try {
    const st = ckpt.state;
    const keys = Object.keys(s.config) as (keyof TrainConfigFingerprint)[];
    const diff = keys.filter((k) => JSON.stringify(s.config[k]) !== JSON.stringify(st.config[k]));
    if (diff.length > 0) {
      const what = diff.map(
        (k) => `${k} ${JSON.stringify(st.config[k])} (now ${JSON.stringify(s.config[k])})`,
      );
      throw new InputError(
        `${ckpt.dir}: checkpoint was made with other settings: ${what.join(', ')}`,
      );
    }
    const loaded = await loadDensityModel(ckpt.modelDir);
    model = adopt(loaded.model, options.model);
    Object.assign(s.origin, originOf(loaded.metadata.provenance));
    Object.assign(s, {
      history: st.history,
      epochsCompleted: st.epochsCompleted,
      stepInEpoch: st.stepInEpoch,
      partial: st.partial,
      best: st.best,
      epochRngState: st.epochRngState,
      lr: st.lr,
      // A checkpoint from before `runs` existed: its model's recorded command is the first run.
      runs: [...(st.runs ?? recordedCommand(loaded.metadata.provenance)), ...s.runs],
      lastCheckpoint: ckpt.dir,
    });
    s.schedule.restore(st.schedule);
    engine = await createEngine(s, model, options);
    await engine.setOptimizerWeights(ckpt.optimizerWeights);
    if (typeof st.engineRngState === 'number') engine.setRandomState(st.engineRngState);
  } catch (err) {
    await engine?.dispose();
    if (model && model !== options.model) model.dispose();
    throw err;
  } finally {
    tf.dispose(ckpt.optimizerWeights.map((w) => w.tensor));
  }
  // Best models of an epoch that never reached its checkpoint are stale.
  for (const imp of listImprovements(s.outDir)) {
    if (
      imp.epoch > s.epochsCompleted ||
      (!options.keepAllImprovements && imp.name !== s.best?.name)
    ) {
      fs.rmSync(path.join(s.outDir, imp.name), { recursive: true, force: true });
    }
  }
  writeHistoryFiles(s.outDir, s.history);
  const steps = s.stepInEpoch > 0 ? ` and ${s.stepInEpoch} batches` : '';
  s.log(`resuming ${s.outDir} after epoch ${s.epochsCompleted}${steps} (lr ${s.lr})`);
  return { model, engine };
}

/**
 * The model of `--init`: the saved model itself at its own input size, or (progressive resizing)
 * the same weights in a network built for the requested size — every weight of this fully
 * convolutional network with global pooling is independent of the input size. With `mirrored`
 * every convolution kernel is reversed along its width axis: for stride-1 and symmetric padding
 * that is exactly the saved network applied to the mirrored image (global pooling and the dense
 * head do not see the flip); TF's "same" padding on stride 2 pads one more column on the right,
 * so there the mirror is off by one pixel, which fine-tuning absorbs.
 */
async function initialModel(dir: string, s: Settings, mirrored: boolean): Promise<tf.LayersModel> {
  const loaded = await loadDensityModel(dir);
  try {
    Object.assign(s.origin, {
      initModel: dir,
      ...(mirrored ? { initMirrored: true } : {}),
      initProvenance: withInitChain(loaded.metadata.provenance),
    });
  } catch (err) {
    loaded.model.dispose();
    throw err;
  }
  const from = loaded.metadata.inputSize;
  const sameSize = from.join('x') === s.inputSize.join('x');
  if (sameSize && !mirrored) return loaded.model;
  try {
    const model = createDensityModel({ inputSize: s.inputSize, seed: s.config.seed });
    const weights = tf.tidy(() =>
      loaded.model.weights.map((w) => {
        const v = w.read();
        // Conv2D kernels are [kh, kw, in, out]; reverse kw.
        return mirrored && v.rank === 4 ? tf.reverse(v, 1) : v.clone();
      }),
    );
    model.setWeights(weights);
    tf.dispose(weights);
    const how = mirrored ? 'mirrored, ' : '';
    s.log(
      `initialised from ${dir} (${how}trained at ${from[1]}x${from[0]}) at ${s.inputSize[1]}x${s.inputSize[0]}`,
    );
    return model;
  } finally {
    loaded.model.dispose();
  }
}

async function fresh(
  s: Settings,
  options: TrainOptions,
): Promise<{ model: tf.LayersModel; engine: TrainingEngine }> {
  if (listCheckpoints(s.outDir).length > 0) {
    throw new InputError(
      `${s.outDir}: holds a training checkpoint; use --resume to continue it, or another --out`,
    );
  }
  let model = options.model;
  if (!model && options.initModel)
    model = await initialModel(options.initModel, s, options.initMirrored ?? false);
  model ??= createDensityModel({ inputSize: s.inputSize, seed: s.config.seed });
  try {
    return { model, engine: await createEngine(s, model, options) };
  } catch (err) {
    if (model !== options.model) model.dispose();
    throw err;
  }
}

/**
 * Start a run (see the file comment).
 * @returns The run and whether `outDir` was created by it (for clean-up on failure). The run's
 *   model is `options.model` or one the caller disposes; its engine the caller disposes.
 * @throws InputError for a missing/empty dataset, an unwritable output folder, `resume` without
 *   a checkpoint, or a checkpoint made with other settings.
 */
export async function startTrainRun(
  options: TrainOptions,
): Promise<{ run: TrainRun; createdOutDir: boolean }> {
  const { createdOutDir, ...s } = settingsOf(options);
  try {
    const { model, engine } = options.resume ? await resume(s, options) : await fresh(s, options);
    const shape = model.inputs[0].shape;
    const stepsPerEpoch = Math.min(
      batchCount(s.trainSet, s.batchSize),
      options.maxStepsPerEpoch ?? Number.MAX_SAFE_INTEGER,
    );
    // Every saved model records the engine that trained it (ONNX Runtime or TF.js and backend).
    const metadataFor = (extra: Record<string, unknown>) =>
      s.metadataFor({ trainingEngine: engine.description, ...extra });
    const run: TrainRun = { ...s, model, engine, stepsPerEpoch, metadataFor };
    if (shape[1] !== s.inputSize[0] || shape[2] !== s.inputSize[1]) {
      await engine.dispose();
      if (model !== options.model) model.dispose();
      throw new Error(
        `model input ${JSON.stringify(shape)} does not match inputSize ${s.inputSize.join('x')}`,
      );
    }
    return { run, createdOutDir };
  } catch (err) {
    removeUnusedOutDir(createdOutDir, s.outDir);
    throw err;
  }
}
