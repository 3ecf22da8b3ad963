/** The ReduceLROnPlateau callback: the run's schedule on `val_loss` at every epoch end. */
import type { TrainCallback } from './trainCallback';

/** Create it (the schedule and its state live in `run.schedule`). */
export function createReduceLrCallback(): TrainCallback {
  let reduced = false;
  return {
    onEpochEnd(run, logs) {
      const decision = run.schedule.onEpochEnd(logs.valLoss, logs.lr);
      logs.nextLr = decision.lr;
      reduced = decision.reduced;
    },
    afterCheckpoint(run, logs) {
      if (reduced)
        run.log(`epoch ${logs.epoch}: ReduceLROnPlateau reducing learning rate to ${logs.nextLr}`);
    },
  };
}
