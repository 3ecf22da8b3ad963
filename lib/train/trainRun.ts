/**
 * The state of one `trainDensityModel` run, shared by the training loop and its callbacks.
 */
import type * as tf from '@tensorflow/tfjs';
import type { AugmentOptions } from '../data/augmentImage';
import type { Rng } from '../data/createRng';
import type { ImageDataset } from '../data/readImageDataset';
import type { ModelMetadata, ModelProvenance } from '../modelFiles/modelMetadata';
import type { OptimizerName } from './createOptimizer';
import type { ReduceLrOnPlateau } from './reduceLrOnPlateau';
import type { PartialEpoch, TrainCheckpointState, TrainConfigFingerprint } from './trainCheckpoint';
import type { TrainHistory } from './trainingHistory';
import type { TrainingEngine } from './trainingEngine';

/**
 * Where a run's starting weights came from (`--init`), written into every model it saves and
 * carried over by `--resume` from the checkpoint's model: a model trained in stages records the
 * whole chain, each stage's provenance nested in `initProvenance`, even after the folders of the
 * earlier stages are gone.
 */
export interface TrainOrigin {
  /** The `--init` model directory, as given. */
  initModel?: string;
  /** `--init-mirrored`: its kernels were mirrored left–right. */
  initMirrored?: boolean;
  /** The provenance recorded in that model (itself nesting its own `initProvenance`). */
  initProvenance?: ModelProvenance;
}

/** Settings and mutable state of a run. */
export interface TrainRun {
  log: (line: string) => void;
  outDir: string;
  inputSize: [number, number];
  epochs: number;
  batchSize: number;
  optimizerName: OptimizerName;
  augment: AugmentOptions | null;
  trainSet: ImageDataset;
  valSet: ImageDataset;
  projection: string | null;
  config: TrainConfigFingerprint;
  schedule: ReduceLrOnPlateau;
  /** Where the starting weights came from; empty for random weights. */
  origin: TrainOrigin;
  /** Metadata of a model written by this run, with run-specific fields. */
  metadataFor: (extra: Record<string, unknown>) => ModelMetadata;
  model: tf.LayersModel;
  engine: TrainingEngine;
  stepsPerEpoch: number;
  history: TrainHistory;
  epochsCompleted: number;
  stepInEpoch: number;
  partial: PartialEpoch | null;
  best: TrainCheckpointState['best'];
  /** Data order and augmentation generator; its state at the start of the current epoch. */
  rng: Rng;
  epochRngState: number;
  /** Learning rate of the current epoch (the next one after an epoch end). */
  lr: number;
  lastCheckpoint: string | null;
  runs: string[];
  /** Set by the interrupt callback: stop at this batch boundary. */
  stopRequested: boolean;
}
