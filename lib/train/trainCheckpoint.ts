/**
 * Resumable training checkpoints: everything `--resume` needs to continue a run exactly where it
 * stopped: the weights (including batch-norm moving statistics), the optimiser's accumulators
 * and iteration count, the learning-rate schedule, the history, the best validation accuracy so
 * far and the position of the seeded random generator.
 *
 * Each checkpoint is a new directory `checkpoint-e<epochs>-s<step>/` (`model/` as written by
 * `saveDensityModel`, `optimizer.bin`, `state.json`) created with `writeDirAtomic`: it appears
 * under its name only when complete, so `kill -9` at any moment leaves the previous checkpoint
 * intact. Older checkpoints are removed after the new one is in place.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { InputError, errorMessage } from '../errors';
import { TMP_INFIX, writeDirAtomic, writeFileAtomic } from '../io/atomicWrite';
import { saveDensityModel } from '../modelFiles/saveDensityModel';
import type { ModelMetadata } from '../modelFiles/modelMetadata';
import type { ReduceLrOnPlateauState } from './reduceLrOnPlateau';
import type { TrainHistory } from './trainingHistory';

/** Prefix of checkpoint directory names. */
export const CHECKPOINT_PREFIX = 'checkpoint-';
const CHECKPOINT_RE = /^checkpoint-e(\d{4,})-s(\d{5,})$/;
const STATE_JSON = 'state.json';
const OPTIMIZER_BIN = 'optimizer.bin';
const MODEL_SUBDIR = 'model';

/** Settings that must not change between a run and its resumption. */
export interface TrainConfigFingerprint {
  inputSize: [number, number];
  batchSize: number;
  optimizer: string;
  projection: string | null;
  seed: number;
  augment: boolean;
}

/** Running sums of a partly done epoch (interrupted by a signal). */
export interface PartialEpoch {
  /** Σ batch loss × batch size. */
  lossSum: number;
  /** Correctly classified training images so far. */
  correct: number;
  /** Training images seen so far. */
  seen: number;
  /** Seconds spent in the epoch so far. */
  seconds: number;
}

/** Contents of `state.json`. */
export interface TrainCheckpointState {
  format: 'breast-density-train-checkpoint';
  version: 1;
  /** Epochs fully done (history length). */
  epochsCompleted: number;
  /** Batches done in the next epoch (0 at an epoch boundary). */
  stepInEpoch: number;
  /** RNG state at the start of the next epoch (its shuffle and augmentation are replayed). */
  epochRngState: number;
  /** Sums of the partly done epoch, or null at an epoch boundary. */
  partial: PartialEpoch | null;
  /** Learning rate for the next step. */
  lr: number;
  /** ReduceLROnPlateau state. */
  schedule: ReduceLrOnPlateauState;
  /** Best validation accuracy so far, its epoch (1-based) and model directory name. */
  best: { valAcc: number; epoch: number; name: string } | null;
  /** History of the completed epochs. */
  history: TrainHistory;
  /** Settings of the run. */
  config: TrainConfigFingerprint;
  /**
   * Command lines of the runs so far, oldest first (the first run, then each `--resume`);
   * absent in checkpoints written before it was recorded.
   */
  runs?: string[];
  /** Engine that wrote it (`onnx` or `tfjs`); absent in older checkpoints (TF.js). */
  engine?: string;
  /** Position of the engine's own random stream (ONNX Runtime dropout masks), or null. */
  engineRngState?: number | null;
  /** Optimiser weights in `optimizer.bin`, in order (TF.js `optimizer.getWeights()` order). */
  optimizerWeights: { name: string; shape: number[]; dtype: 'float32' | 'int32' }[];
  /** When written (ISO 8601). */
  date: string;
}

/** A checkpoint read back. */
export interface LoadedTrainCheckpoint {
  /** Checkpoint directory. */
  dir: string;
  /** Model directory inside it (load with `loadDensityModel`). */
  modelDir: string;
  /** The state. */
  state: TrainCheckpointState;
  /** Optimiser weights; the caller disposes the tensors (after `optimizer.setWeights`). */
  optimizerWeights: { name: string; tensor: tf.Tensor }[];
}

/** Directory name of a checkpoint after `epochs` epochs and `step` batches of the next one. */
export function checkpointName(epochs: number, step: number): string {
  return `${CHECKPOINT_PREFIX}e${String(epochs).padStart(4, '0')}-s${String(step).padStart(5, '0')}`;
}

/** Complete checkpoint directories in `outDir`, oldest first. */
export function listCheckpoints(outDir: string): string[] {
  if (!fs.existsSync(outDir)) return [];
  return fs
    .readdirSync(outDir)
    .filter((n) => CHECKPOINT_RE.test(n) && !n.includes(TMP_INFIX))
    .filter((n) => fs.existsSync(path.join(outDir, n, STATE_JSON)))
    .sort()
    .map((n) => path.join(outDir, n));
}

/**
 * Write a checkpoint directory atomically, then remove older ones.
 * @param outDir Training output folder.
 * @param model Model being trained (weights and BN statistics are saved; not modified).
 * @param optimizer Its optimiser, or anything with TF.js's `getWeights()` (accumulators and
 *   iteration count are saved; returned tensors that are not variables are disposed here).
 * @param state Everything else (see {@link TrainCheckpointState}); `optimizerWeights` is filled in.
 * @param metadata Model metadata for `model/`.
 * @returns The checkpoint directory.
 */
export async function saveTrainCheckpoint(
  outDir: string,
  model: tf.LayersModel,
  optimizer: Pick<tf.Optimizer, 'getWeights'>,
  state: Omit<TrainCheckpointState, 'optimizerWeights' | 'format' | 'version' | 'date'>,
  metadata: ModelMetadata,
): Promise<string> {
  const named = await optimizer.getWeights();
  const specs: TrainCheckpointState['optimizerWeights'] = [];
  const chunks: Uint8Array[] = [];
  try {
    for (const { name, tensor } of named) {
      const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
      const values = tensor.dataSync();
      const typed = dtype === 'int32' ? Int32Array.from(values) : Float32Array.from(values);
      chunks.push(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
      specs.push({ name, shape: tensor.shape, dtype });
    }
  } finally {
    // getWeights returns the accumulator variables themselves (kept) plus a fresh iterations
    // scalar (disposed here).
    for (const { tensor } of named) if (!(tensor instanceof tf.Variable)) tensor.dispose();
  }
  const full: TrainCheckpointState = {
    format: 'breast-density-train-checkpoint',
    version: 1,
    ...state,
    optimizerWeights: specs,
    date: new Date().toISOString(),
  };
  const target = path.join(outDir, checkpointName(state.epochsCompleted, state.stepInEpoch));
  const previous = listCheckpoints(outDir).filter((d) => d !== target);
  await writeDirAtomic(target, async (tmp) => {
    await saveDensityModel(model, path.join(tmp, MODEL_SUBDIR), metadata);
    writeFileAtomic(path.join(tmp, OPTIMIZER_BIN), Buffer.concat(chunks));
    writeFileAtomic(path.join(tmp, STATE_JSON), JSON.stringify(full, null, 1));
  });
  for (const old of previous) fs.rmSync(old, { recursive: true, force: true });
  return target;
}

/**
 * Read a checkpoint directory.
 * @throws InputError naming the file when `state.json` or `optimizer.bin` is unreadable or
 *   inconsistent.
 */
export function loadTrainCheckpoint(dir: string): LoadedTrainCheckpoint {
  const stateFile = path.join(dir, STATE_JSON);
  let state: TrainCheckpointState;
  try {
    state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  } catch (err) {
    throw new InputError(`${stateFile}: cannot read the checkpoint state (${errorMessage(err)})`);
  }
  if (state.format !== 'breast-density-train-checkpoint' || state.version !== 1) {
    throw new InputError(`${stateFile}: not a breast-density training checkpoint (version 1)`);
  }
  const binFile = path.join(dir, OPTIMIZER_BIN);
  const bytes = fs.existsSync(binFile) ? fs.readFileSync(binFile) : Buffer.alloc(0);
  const expected = state.optimizerWeights.reduce(
    (s, w) => s + 4 * w.shape.reduce((a, b) => a * b, 1),
    0,
  );
  if (bytes.byteLength !== expected) {
    throw new InputError(
      `${binFile}: ${bytes.byteLength} bytes, state.json expects ${expected} (truncated or wrong file)`,
    );
  }
  const copy = new Uint8Array(bytes).buffer;
  let offset = 0;
  const optimizerWeights = state.optimizerWeights.map((w) => {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const values =
      w.dtype === 'int32' ? new Int32Array(copy, offset, n) : new Float32Array(copy, offset, n);
    offset += 4 * n;
    return { name: w.name, tensor: tf.tensor(values, w.shape, w.dtype) };
  });
  return { dir, modelDir: path.join(dir, MODEL_SUBDIR), state, optimizerWeights };
}
