/**
 * Write the resumable checkpoint of a run: the one place the checkpoint state is assembled
 * (after an epoch and after an interrupted batch alike).
 */
import { saveTrainCheckpoint } from './trainCheckpoint';
import type { TrainRun } from './trainRun';

/**
 * Save `run`'s model (synced from the engine), optimiser state and loop state.
 * @returns The checkpoint directory (also stored in `run.lastCheckpoint`).
 */
export async function writeRunCheckpoint(run: TrainRun): Promise<string> {
  run.engine.syncModel();
  run.lastCheckpoint = await saveTrainCheckpoint(
    run.outDir,
    run.model,
    { getWeights: () => run.engine.getOptimizerWeights() },
    {
      epochsCompleted: run.epochsCompleted,
      stepInEpoch: run.stepInEpoch,
      epochRngState: run.epochRngState,
      partial: run.partial,
      lr: run.lr,
      schedule: run.schedule.state(),
      best: run.best,
      history: run.history,
      config: run.config,
      runs: run.runs,
      engine: run.engine.name,
      engineRngState: run.engine.randomState(),
    },
    run.metadataFor({ epochs: run.epochsCompleted }),
  );
  return run.lastCheckpoint;
}
