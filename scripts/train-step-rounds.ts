/**
 * ONNX Runtime against PyTorch on one training step, in alternating rounds: each round times the
 * project's training step (`timeOnnxTrainStep`: batch 4, SGD-Nesterov, one warm-up step) and
 * `scripts/torch_reference.py --mode train` with as many steps, the order swapped every round,
 * and reports the per-image medians and their ratio. On a shared host the two engines drift
 * together within a round, so the per-round ratio is steadier than two benches run one after
 * the other (docs/performance.md, thirteenth session). The figures of docs/performance.md and
 * bench/RESULTS.md come from it:
 *
 *   node --import tsx scripts/train-step-rounds.ts [SIZE=256] [ROUNDS=8]
 *
 * Needs Debian's python3-torch (`/usr/bin/python3`; `DENSITY_PYTHON` chooses another). Steps
 * per round: 6, or 3 at sizes ≥ 600. Exit codes: 0 printed, 1 PyTorch missing or failing, 2 bad
 * arguments.
 */
import { timeOnnxTrainStep } from '../lib/bench/timeOnnxTrainStep';
import { runTorchReference } from '../lib/bench/runTorchReference';
import { summarizeTimes } from '../lib/bench/summarizeTimes';
import { errorMessage } from '../lib/errors';

const [size, rounds] = [process.argv[2] ?? '256', process.argv[3] ?? '8'].map(Number);
const median = (values: number[]): number => summarizeTimes(values).median;

async function main(): Promise<number> {
  if (!Number.isInteger(size) || size < 32 || !Number.isInteger(rounds) || rounds < 1) {
    console.error(`usage: train-step-rounds.ts [SIZE ≥ 32] [ROUNDS ≥ 1], got ${size} ${rounds}`);
    return 2;
  }
  const steps = size >= 600 ? 3 : 6;
  const onnx = async () => (await timeOnnxTrainStep([size, size], 4, 1, steps)).step.median;
  const torch = () => {
    const r = runTorchReference({ size, batch: 4, mode: 'train', repeats: steps, threads: 2 });
    if ('skipped' in r) throw new Error(r.skipped);
    return r.perImageMs;
  };
  const rows: [number, number][] = [];
  for (let r = 0; r < rounds; r++) {
    let o: number;
    let t: number;
    if (r % 2 === 0) {
      o = await onnx();
      t = torch();
    } else {
      t = torch();
      o = await onnx();
    }
    rows.push([o, t]);
    console.log(
      `round ${r + 1}: ORT ${o.toFixed(1)} PyTorch ${t.toFixed(1)} ms/image, ratio ${(o / t).toFixed(3)}`,
    );
  }
  const ratios = rows.map(([o, t]) => o / t);
  console.log(
    `S=${size}: ORT median ${median(rows.map((r) => r[0])).toFixed(1)}, PyTorch median ${median(rows.map((r) => r[1])).toFixed(1)} ms/image; ORT/PyTorch per-round median ${median(ratios).toFixed(3)} (range ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}; ORT faster in ${ratios.filter((x) => x < 1).length} of ${rounds})`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`train-step-rounds: ${errorMessage(e)}`);
    process.exit(1);
  },
);
