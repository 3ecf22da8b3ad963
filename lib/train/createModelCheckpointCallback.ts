/**
 * Keras `ModelCheckpoint(monitor='val_acc', save_best_only=True)`: a model directory named
 * `weights-improvement-{epoch:02d}-{val_acc:.2f}` when the validation accuracy is strictly
 * better than the best so far; the previous best is removed (unless all are kept) once the
 * epoch's checkpoint records the new one.
 */
import * as fs from 'fs';
import * as path from 'path';
import { saveDensityModel } from '../modelFiles/saveDensityModel';
import type { TrainCallback } from './trainCallback';

/** Keras `ModelCheckpoint` file name of the original: `weights-improvement-{epoch:02d}-{val_acc:.2f}`. */
export function improvementName(epoch: number, valAcc: number): string {
  return `weights-improvement-${String(epoch).padStart(2, '0')}-${valAcc.toFixed(2)}`;
}

/** Create it. @param keepAll Keep every improvement directory. */
export function createModelCheckpointCallback(keepAll: boolean): TrainCallback {
  let previous: string | null = null;
  return {
    async onEpochEnd(run, logs) {
      previous = null;
      logs.improved = run.best === null || logs.valAcc > run.best.valAcc;
      if (!logs.improved) return;
      previous = run.best?.name ?? null;
      run.best = {
        valAcc: logs.valAcc,
        epoch: logs.epoch,
        name: improvementName(logs.epoch, logs.valAcc),
      };
      await saveDensityModel(
        run.model,
        path.join(run.outDir, run.best.name),
        run.metadataFor({
          epochs: logs.epoch,
          bestEpoch: logs.epoch,
          valAccuracy: logs.valAcc,
          valLoss: logs.valLoss,
        }),
      );
    },
    afterCheckpoint(run) {
      if (previous && !keepAll)
        fs.rmSync(path.join(run.outDir, previous), { recursive: true, force: true });
      previous = null;
    },
  };
}
