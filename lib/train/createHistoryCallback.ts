/** The history writer: appends each epoch to `run.history` and rewrites the history files. */
import { writeHistoryFiles } from './trainingHistory';
import type { TrainCallback } from './trainCallback';

/** Create it (`acc_train.txt`, `acc_val.txt`, `loss_train.txt`, `loss_val.txt`, `history.csv`). */
export function createHistoryCallback(): TrainCallback {
  return {
    onEpochEnd(run, logs) {
      const h = run.history;
      h.loss.push(logs.loss);
      h.acc.push(logs.acc);
      h.val_loss.push(logs.valLoss);
      h.val_acc.push(logs.valAcc);
      h.lr.push(logs.lr);
      h.seconds.push(Number(logs.seconds.toFixed(3)));
    },
    afterCheckpoint(run) {
      writeHistoryFiles(run.outDir, run.history);
    },
  };
}
