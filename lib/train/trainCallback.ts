/**
 * Keras-style callbacks of the trainer (`keras.callbacks.Callback`): the training loop calls
 * them after every batch and twice at the end of an epoch, before and after the resumable
 * checkpoint is written (so that anything deleted or announced happens only once the new
 * checkpoint is safely on disk).
 */
import type { EpochRecord } from './trainDensityModel';
import type { TrainRun } from './trainRun';

/** Logs of a batch end. */
export interface BatchLogs {
  epoch: number;
  /** Batches done in this epoch. */
  step: number;
  /** Running epoch means. */
  loss: number;
  acc: number;
  /** Training images seen in this epoch, and seconds spent in it. */
  seen: number;
  seconds: number;
  /** Images of this batch. */
  images: number;
}

/**
 * Logs of an epoch end (Keras `logs`: loss, acc, val_loss, val_acc, lr). Callbacks may change
 * `nextLr` (ReduceLROnPlateau) and `improved` (ModelCheckpoint).
 */
export type EpochLogs = Pick<
  EpochRecord,
  'epoch' | 'loss' | 'acc' | 'valLoss' | 'valAcc' | 'lr' | 'nextLr' | 'improved' | 'seconds'
> & {
  /** Seconds of training without validation. */
  trainSeconds: number;
  /** Training images of the epoch. */
  seen: number;
};

/** A callback; every hook is optional. */
export interface TrainCallback {
  onBatchEnd?(run: TrainRun, logs: BatchLogs): void;
  /** Before the epoch's checkpoint (may change `logs.nextLr`, `logs.improved`, `run.best`). */
  onEpochEnd?(run: TrainRun, logs: EpochLogs): Promise<void> | void;
  /** After the epoch's checkpoint is written. */
  afterCheckpoint?(run: TrainRun, logs: EpochLogs): Promise<void> | void;
  /** When the loop ends (completed, interrupted or failed). */
  onTrainEnd?(run: TrainRun): void;
}
