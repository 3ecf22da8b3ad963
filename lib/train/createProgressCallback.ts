/** Progress of the run (bar on a terminal, silent, or a notebook sink), one update per batch. */
import { createProgress, type ProgressState } from '../progress/createProgress';
import type { TrainCallback } from './trainCallback';
import type { TrainRun } from './trainRun';

/**
 * Create it for the images still to train in `run`.
 * @param sink `auto`, `silent` or a function receiving the state.
 */
export function createProgressCallback(
  run: TrainRun,
  sink: 'auto' | 'silent' | ((state: ProgressState) => void),
): TrainCallback {
  const imagesPerEpoch = Math.min(run.trainSet.items.length, run.stepsPerEpoch * run.batchSize);
  const total = Math.max(
    0,
    (run.epochs - run.epochsCompleted) * imagesPerEpoch -
      Math.min(run.stepInEpoch * run.batchSize, imagesPerEpoch),
  );
  const progress = createProgress({
    total,
    label: `train ${run.projection ?? ''}`.trim(),
    unit: 'images',
    sink,
  });
  let done = 0;
  return {
    onBatchEnd(r, logs) {
      done += logs.images;
      progress.update(done, {
        epoch: `${logs.epoch}/${r.epochs}`,
        step: `${logs.step}/${r.stepsPerEpoch}`,
        loss: logs.loss,
        acc: logs.acc,
        'img/s': Number((logs.seen / Math.max(logs.seconds, 1e-9)).toFixed(2)),
      });
    },
    onTrainEnd: () => progress.stop(),
  };
}
