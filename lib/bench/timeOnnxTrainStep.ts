/**
 * One training step of the density network on ONNX Runtime (the default training engine,
 * `createOnnxTrainingEngine`): forward in training mode, softmax cross-entropy, every parameter
 * gradient, SGD-Nesterov update — timed in this process, batch 4, ms per image.
 */
import { openOnnxTrainStep } from './openOnnxTrainStep';
import { summarizeTimes, type TimeSummary } from './summarizeTimes';

/**
 * Time `warmup + repeats` ORT training steps on random images.
 * @param size `[height, width]`.
 * @param batch Images per step (the bench uses 4, the original recipe's batch).
 * @returns Per-image wall-clock summary of the timed steps, and the peak resident memory (MB)
 *   after them (whole process).
 */
export async function timeOnnxTrainStep(
  size: [number, number],
  batch: number,
  warmup: number,
  repeats: number,
): Promise<{ step: TimeSummary; peakRssMb: number }> {
  const trainer = await openOnnxTrainStep(size, batch);
  try {
    const runs: number[] = [];
    for (let r = 0; r < warmup + repeats; r++) {
      const ms = await trainer.step();
      if (r >= warmup) runs.push(ms);
    }
    return { step: summarizeTimes(runs), peakRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    await trainer.close();
  }
}
