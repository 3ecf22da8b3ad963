/**
 * runTorchReference: the optional PyTorch side-by-side reference (scripts/torch_reference.py) at
 * 64×64, every mode; skipped when no Python can import torch (apt-get install python3-torch).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runTorchReference, type TorchReferenceOptions } from '../../lib/bench/runTorchReference';
import { openTorchReference } from '../../lib/bench/openTorchReference';
import { resolveTorchReference } from '../../lib/bench/resolveTorchReference';

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'torch_reference.py');
const cases: Pick<TorchReferenceOptions, 'mode' | 'layer'>[] = [
  { mode: 'forward' },
  { mode: 'gradcam' },
  { mode: 'gradcam', layer: 'add_6' },
  { mode: 'train' },
];

for (const c of cases) {
  test(`runTorchReference: ${c.mode}${c.layer ? ` ${c.layer}` : ''} at 64×64`, (t) => {
    const r = runTorchReference({ size: 64, batch: 1, repeats: 2, threads: 1, ...c });
    if ('skipped' in r) {
      t.skip(r.skipped);
      return;
    }
    const batch = c.mode === 'train' ? 4 : 1;
    assert.equal(r.engine, 'pytorch');
    assert.match(r.torchVersion, /^\d+\.\d+/);
    assert.deepEqual([r.size, r.batch, r.threads, r.mode], [64, batch, 1, c.mode]);
    assert.equal(r.layer, c.mode === 'gradcam' ? (c.layer ?? 'add_12') : undefined);
    assert.equal(r.optimizer, c.mode === 'train' ? 'sgd' : undefined);
    assert.equal(r.repeatsMs.length, 2);
    assert.equal(r.cpuRepeatsMs.length, 2);
    assert.ok(r.cpuMedianMs > 0);
    const sorted = [...r.repeatsMs].sort((a, b) => a - b);
    assert.ok(Math.abs(r.medianMs - (sorted[0] + sorted[1]) / 2) < 1e-6, 'median of the runs');
    assert.ok(Math.abs(r.perImageMs - r.medianMs / batch) < 1e-6);
    assert.ok(Math.abs(r.imagesPerS - 1000 / r.perImageMs) < 1e-6);
    assert.ok(r.peakRssMb > 50 && r.peakRssMb < 8000, `peak RSS ${r.peakRssMb} MB`);
    assert.equal(r.params, 2_262_660);
    assert.equal(r.trainableParams, 2_249_988);
  });
}

test('openTorchReference: a long-lived process times one training step per run()', async (t) => {
  const torch = await openTorchReference({ size: 64, batch: 1, threads: 1, mode: 'train' });
  if ('skipped' in torch) {
    t.skip(torch.skipped);
    return;
  }
  try {
    assert.match(torch.torchVersion, /^\d+\.\d+/);
    const runs = [await torch.run(), await torch.run(), await torch.run()];
    for (const r of runs) {
      assert.ok(r.wallMs > 0 && r.wallMs < 60_000, `wall ${r.wallMs} ms`);
      assert.ok(r.cpuMs > 0, `cpu ${r.cpuMs} ms`);
    }
  } finally {
    await torch.close();
  }
});

test('openTorchReference: a run after the process died is an Error, not a crash', async (t) => {
  const torch = await openTorchReference({ size: 32, batch: 1, threads: 1, mode: 'forward' });
  if ('skipped' in torch) {
    t.skip(torch.skipped);
    return;
  }
  process.kill(torch.pid, 'SIGKILL');
  await assert.rejects(torch.run(), /torch_reference\.py --serve ended \(exit null\)/);
  await assert.rejects(torch.close(), /exited with null/);
});

test('openTorchReference: a script failing before it is ready is an Error with its stderr', async (t) => {
  const probe = resolveTorchReference({ size: 64, batch: 1, threads: 1, mode: 'forward' });
  if ('skipped' in probe) {
    t.skip(probe.skipped);
    return;
  }
  await assert.rejects(
    openTorchReference({ size: 64, batch: 1, threads: 1, mode: 'gradcam', layer: 'add_13' }),
    /--serve ended \(exit 1\): [\s\S]*layer must be add_1\.\.add_12, got 'add_13'/,
  );
});

test('runTorchReference: a failing script is an Error with its stderr', (t) => {
  const r = () =>
    runTorchReference({
      size: 64,
      batch: 1,
      repeats: 1,
      threads: 1,
      mode: 'gradcam',
      layer: 'add_13',
    });
  const probe = runTorchReference({ size: 32, batch: 1, repeats: 1, threads: 1, mode: 'forward' });
  if ('skipped' in probe) {
    t.skip(probe.skipped);
    return;
  }
  assert.throws(r, /failed \(exit 1\):[\s\S]*layer must be add_1\.\.add_12, got 'add_13'/);
});

test('runTorchReference: skips when the chosen Python cannot import torch', () => {
  const r = runTorchReference({
    size: 64,
    batch: 1,
    repeats: 1,
    threads: 1,
    mode: 'forward',
    python: '/nonexistent/python3',
  });
  assert.ok('skipped' in r);
  assert.match(r.skipped, /^python3-torch is not installed \(apt-get install python3-torch\)/);
});

test('torch_reference.py: same logits as the Keras fixture (make-keras-fixture.py, 64 and 97 px)', (t) => {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch, h5py'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip(
      'needs /usr/bin/python3 with torch and h5py (apt-get install python3-torch python3-h5py)',
    );
    return;
  }
  for (const size of [64, 97]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bd-torchref-'));
    try {
      const fixture = path.join(__dirname, '..', '..', 'scripts', 'make-keras-fixture.py');
      const f = spawnSync(
        '/usr/bin/python3',
        [fixture, dir, '--size', String(size), '--only', 'weights'],
        { encoding: 'utf8' },
      );
      assert.equal(f.status, 0, f.stderr);
      const r = spawnSync(
        '/usr/bin/python3',
        [SCRIPT, '--size', String(size), '--check-keras', dir],
        { encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /logits match/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
});
