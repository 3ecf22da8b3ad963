/**
 * The interrupt handler: when the signal is aborted (the CLI wires SIGINT/SIGTERM to it) the run
 * stops at the next batch boundary and the loop writes a mid-epoch checkpoint.
 */
import type { TrainCallback } from './trainCallback';

/** Create it. @param signal The abort signal (absent: never interrupts). */
export function createInterruptCallback(signal: AbortSignal | undefined): TrainCallback {
  return {
    onBatchEnd(run, logs) {
      if (signal?.aborted && logs.step < run.stepsPerEpoch) run.stopRequested = true;
    },
  };
}
