/**
 * ONNX Runtime against PyTorch on the training step, in alternating pairs of blocks: STEPS
 * back-to-back steps of the project's training engine (`openOnnxTrainStep`: batch 4,
 * SGD-Nesterov), then as many of `scripts/torch_reference.py --serve --mode train` (the same
 * network, batch and optimiser), both engines kept open and warm as in a training run, the order
 * swapped every pair and a pause of 300 ms before each block (so that neither process's
 * background work, such as garbage collection, runs during the other's steps; within a block it
 * counts, as in training). Each pair's ratio of mean step times compares the two engines under
 * the same state of a shared, noisy host; the summary is the median ratio with its
 * distribution-free 95 % interval and the sign test (`summarizePairedRatios`). The training
 * figures of docs/performance.md and bench/RESULTS.md come from it:
 *
 *   node --import tsx scripts/train-step-pairs.ts [SIZE=256] [PAIRS=40] [STEPS=3, 1 at ≥ 600]
 *
 * Both engines use as many threads as the machine has cores (ONNX Runtime's default here). Two
 * warm-up steps each come first (after the one PyTorch's `--serve` runs itself). Needs Debian's
 * python3-torch (`/usr/bin/python3`; `DENSITY_PYTHON` chooses another). Exit codes: 0 printed,
 * 1 PyTorch missing or failing, 2 bad arguments.
 */
import * as os from 'os';
import { openOnnxTrainStep } from '../lib/bench/openOnnxTrainStep';
import { openTorchReference } from '../lib/bench/openTorchReference';
import { summarizePairedRatios } from '../lib/bench/summarizePairedRatios';
import { summarizeTimes } from '../lib/bench/summarizeTimes';
import { errorMessage } from '../lib/errors';

const [size, pairs] = [process.argv[2] ?? '256', process.argv[3] ?? '40'].map(Number);
const steps = Number(process.argv[4] ?? (size >= 600 ? 1 : 3));
const BATCH = 4;
const WARMUP = 2;
/** Pause before each block, so that neither process's background work (e.g. garbage collection)
 * runs during the other's steps. */
const SETTLE_MS = 300;

async function main(): Promise<number> {
  if (![size, pairs, steps].every(Number.isInteger) || size < 32 || pairs < 1 || steps < 1) {
    console.error(
      `usage: train-step-pairs.ts [SIZE ≥ 32] [PAIRS ≥ 1] [STEPS ≥ 1], got ${size} ${pairs} ${steps}`,
    );
    return 2;
  }
  const threads = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
  const torch = await openTorchReference({
    size,
    batch: 1,
    threads,
    mode: 'train',
    trainBatch: BATCH,
  });
  if ('skipped' in torch) {
    console.error(torch.skipped);
    return 1;
  }
  const ort = await openOnnxTrainStep([size, size], BATCH);
  try {
    const torchStep = async () => (await torch.run()).wallMs / BATCH;
    for (let i = 0; i < WARMUP; i++) {
      await ort.step();
      await torchStep();
    }
    const times: { ort: number[]; torch: number[] } = { ort: [], torch: [] };
    const block = async (engine: 'ort' | 'torch'): Promise<number> => {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      let total = 0;
      for (let i = 0; i < steps; i++) total += await (engine === 'ort' ? ort.step() : torchStep());
      return total / steps;
    };
    for (let p = 0; p < pairs; p++) {
      const order = p % 2 === 0 ? (['ort', 'torch'] as const) : (['torch', 'ort'] as const);
      for (const engine of order) times[engine].push(await block(engine));
      const [o, t] = [times.ort[p], times.torch[p]];
      console.log(
        `pair ${p + 1}: ORT ${o.toFixed(1)} PyTorch ${t.toFixed(1)} ms/image, ratio ${(o / t).toFixed(3)}`,
      );
    }
    const s = summarizePairedRatios(times.ort, times.torch);
    const [o, t] = [summarizeTimes(times.ort).median, summarizeTimes(times.torch).median];
    const ci = s.ci95 ? `${s.ci95[0].toFixed(3)}–${s.ci95[1].toFixed(3)}` : 'none (< 6 pairs)';
    console.log(
      `S=${size}, batch ${BATCH}, ${threads} threads, torch ${torch.torchVersion}: ORT median ${o.toFixed(1)} ms/image (${(1000 / o).toFixed(2)} images/s), PyTorch ${t.toFixed(1)} (${(1000 / t).toFixed(2)} images/s); ORT/PyTorch per pair: median ${s.median.toFixed(3)}, 95 % interval ${ci}; ORT faster in ${s.aFaster} of ${s.pairs} (sign test p = ${s.signTestP.toPrecision(2)})`,
    );
    return 0;
  } finally {
    await ort.close();
    await torch.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`train-step-pairs: ${errorMessage(e)}`);
    process.exit(1);
  },
);
