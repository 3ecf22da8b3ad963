import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupTf } from '../helpers/tf';
import { runCli } from '../helpers/cli';
import { countFlops, summarizeTimes } from '../../lib/bench';
import { createDensityModel } from '../../lib/model';

test('countFlops: hand-computed small model', async () => {
  await setupTf();
  // input 8×8×2 → conv 3×3×4 same → conv 1×1×3 stride 2 (→ 4×4×3) → BN → LeakyReLU → GAP → dense 5
  const input = tf.input({ shape: [8, 8, 2] });
  let x = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'c1' })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers
    .conv2d({ filters: 3, kernelSize: 1, strides: 2, padding: 'same', useBias: false, name: 'c2' })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.leakyReLU({ name: 'lr' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 5, name: 'd' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  const c = countFlops(model);
  const byName = Object.fromEntries(c.layers.map((l) => [l.name, l]));
  const cases: [string, number, number][] = [
    // name, 2·MACs, element-wise
    ['c1', 2 * 8 * 8 * 4 * 3 * 3 * 2, 8 * 8 * 4],
    ['c2', 2 * 4 * 4 * 3 * 1 * 1 * 4, 0],
    ['bn', 0, 2 * 4 * 4 * 3],
    ['lr', 0, 4 * 4 * 3],
    ['gap', 0, 4 * 4 * 3],
    ['d', 2 * 3 * 5, 5],
  ];
  for (const [name, flops, elementwise] of cases) {
    assert.equal(byName[name].flops, flops, `${name} flops`);
    assert.equal(byName[name].elementwise, elementwise, `${name} element-wise`);
  }
  assert.equal(c.total, 9216 + 384 + 30);
  model.dispose();
});

test('countFlops: the 650×650 density network is about 21.9 GFLOP; conv FLOPs scale with area', async () => {
  await setupTf();
  const big = createDensityModel({ inputSize: 650, seed: 0 });
  const total = countFlops(big).total;
  big.dispose();
  assert.ok(Math.abs(total - 21.936e9) < 0.01e9, `got ${total}`);
  // First conv alone: 325·325·64 outputs × 27 taps × 2.
  const small = createDensityModel({ inputSize: 64, seed: 0 });
  const first = countFlops(small).layers.find((l) => l.name === 'conv2d_1')!;
  assert.equal(first.flops, 2 * 32 * 32 * 64 * 27);
  small.dispose();
});

test('summarizeTimes: median, spread and bad input', () => {
  const cases: [number[], number, number, number, number][] = [
    [[5], 5, 5, 5, 0],
    [[3, 1, 2], 2, 1, 3, 1],
    [[4, 1, 3, 2], 2.5, 1, 4, 1.5],
  ];
  for (const [runs, median, min, max, iqr] of cases) {
    const s = summarizeTimes(runs);
    assert.deepEqual(
      [s.median, s.min, s.max, s.iqr],
      [median, min, max, iqr],
      JSON.stringify(runs),
    );
    assert.deepEqual(s.runs, runs);
  }
  assert.throws(() => summarizeTimes([]), /at least one finite time/);
  assert.throws(() => summarizeTimes([1, NaN]), /at least one finite time/);
});

test('bench CLI: --json prints exactly the documented keys with measured values', () => {
  const r = runCli(
    [
      'bench',
      '--size',
      '32',
      '--batch',
      '2',
      '--repeats',
      '1',
      '--workers',
      '1',
      '--no-pytorch-train',
      '--json',
    ],
    { timeoutMs: 240_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const rec = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(rec), [
    'engine',
    'backend',
    'size',
    'workers',
    'forward_ms',
    'forward_batch_ms_per_image',
    'throughput_images_per_s',
    'gradcam_ms',
    'gradcam_add6_ms',
    'train_step_ms_per_image',
    'peak_rss_mb',
    'gflops',
    'pytorch_forward_ms',
    'speedup_vs_pytorch',
    'pytorch_train_step_ms_per_image',
  ]);
  assert.equal(rec.pytorch_train_step_ms_per_image, null, 'not asked for (--no-pytorch-train)');
  assert.equal(rec.size, 32);
  assert.equal(rec.workers, 1);
  assert.equal(rec.backend, 'wasm');
  assert.equal(rec.engine, 'onnx', 'ONNX Runtime is the default engine');
  for (const k of [
    'forward_ms',
    'forward_batch_ms_per_image',
    'throughput_images_per_s',
    'gradcam_ms',
    'gradcam_add6_ms',
    'peak_rss_mb',
    'gflops',
  ]) {
    assert.ok(typeof rec[k] === 'number' && (rec[k] as number) > 0, `${k} = ${rec[k]}`);
  }
  // Training runs on wasm once lib/train's kernels are registered: a number, not a placeholder.
  assert.ok(typeof rec.train_step_ms_per_image === 'number' && rec.train_step_ms_per_image > 0);
  // The PyTorch reference ran in the same bench (python3-torch is installed by the set-up).
  assert.ok(typeof rec.pytorch_forward_ms === 'number' && rec.pytorch_forward_ms > 0, r.stderr);
  // The ratio is of the unrounded medians; the JSON times are rounded to 0.1 ms.
  const ratio = (rec.pytorch_forward_ms as number) / (rec.forward_ms as number);
  assert.ok(
    Math.abs((rec.speedup_vs_pytorch as number) - ratio) <= 0.05 * ratio + 0.01,
    `speed-up ${rec.speedup_vs_pytorch} vs ${ratio}`,
  );
  const bad = runCli(['bench', '--batch', '0']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--batch: expected a whole number from 1 to 64, got "0"/);
});

test('bench CLI with 2 sessions: one session on every core is timed against 2 single-threaded ones, with the ratio', () => {
  const r = runCli(
    [
      'bench',
      '--size',
      '32',
      '--batch',
      '1',
      '--repeats',
      '2',
      '--workers',
      '2',
      '--no-baseline',
      '--no-pytorch',
    ],
    { timeoutMs: 240_000 },
  );
  assert.equal(r.code, 0, r.stderr);
  const row = r.stdout
    .split('\n')
    .find((l) => l.includes('2 sessions × 1 thread vs 1 session on every core'));
  assert.ok(row, `no sessions row in:\n${r.stdout}`);
  const m = /([\d.]+) images\/s .*?([\d.]+) images\/s .*?([\d.]+)×/.exec(row);
  assert.ok(m, row);
  const [alt, one, ratio] = [Number(m[1]), Number(m[2]), Number(m[3])];
  assert.ok(alt > 0 && one > 0, row);
  assert.ok(Math.abs(ratio - one / alt) < 0.02 + 0.01 * ratio, `${row}: ratio ${one / alt}`);
});

test('bench --onnx: a bad or missing ONNX file is exit 2 naming it', () => {
  const dir = require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'bd-onnx-'));
  const junk = require('path').join(dir, 'junk.onnx');
  require('fs').writeFileSync(junk, 'not a protobuf at all');
  for (const [file, re] of [
    [junk, /junk\.onnx: (not an ONNX model|expected a graph)/],
    [require('path').join(dir, 'missing.onnx'), /missing\.onnx: ONNX file does not exist/],
  ] as const) {
    const r = runCli(
      ['bench', '--size', '32', '--repeats', '1', '--no-baseline', '--no-pytorch', '--onnx', file],
      { timeoutMs: 240_000 },
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, re);
  }
});
