/**
 * Long runs are safe: the real CLI is killed with SIGKILL (kill -9) or interrupted with SIGINT in
 * the middle of an epoch, then resumed with --resume; the run ends with the full history and no
 * corrupt or half-written file.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CLI, runCli } from '../helpers/cli';
import { makeTmpDir } from '../helpers/tmp';
import { setupTf } from '../helpers/tf';
import { generatePhantomDataset } from '../../lib/phantom/generatePhantomDataset';
import { loadDensityModel } from '../../lib/modelFiles';
import { listCheckpoints, readHistorySeries, loadTrainCheckpoint } from '../../lib/train';
import { TMP_INFIX } from '../../lib/io/atomicWrite';
import { TRAINING_ENGINES } from '../helpers/trainingEngines';

let data = '';
before(async () => {
  await setupTf();
  data = path.join(makeTmpDir(), 'phantom');
  await generatePhantomDataset(data, {
    subjects: 12,
    seed: 4,
    width: 48,
    height: 84,
    split: [0.67, 0.33, 0],
    progress: 'silent',
  });
});

// Four epochs: on ONNX Runtime an epoch of this small set takes a few hundred ms, so the interrupts
// below land while epochs remain.
const EPOCHS = 4;
const trainArgs = (out: string): string[] => [
  'train',
  '--data',
  data,
  '--projection',
  'MLO_L',
  '--out',
  out,
  '--size',
  '32',
  '--epochs',
  String(EPOCHS),
  '--batch',
  '2',
  '--seed',
  '2',
];

/**
 * Start training in a child process, wait until a checkpoint whose name starts with `after`
 * exists and `delayMs` more, then send `signal`.
 * @returns Exit code (null when killed) and the signal that ended it.
 */
function interruptRun(
  out: string,
  signal: NodeJS.Signals,
  after: string,
  delayMs: number,
  extra: string[] = [],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...trainArgs(out), ...extra], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setInterval(() => {
      if (listCheckpoints(out).some((d) => path.basename(d).startsWith(after))) {
        clearInterval(timer);
        setTimeout(() => child.kill(signal), delayMs);
      }
    }, 25);
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      clearInterval(timer);
      resolve({ code, signal: sig, stderr });
    });
  });
}

/** Every file of a finished run is complete and consistent. */
async function assertCompleteRun(out: string): Promise<void> {
  for (const f of ['acc_train.txt', 'acc_val.txt', 'loss_train.txt', 'loss_val.txt']) {
    const v = readHistorySeries(path.join(out, f));
    assert.equal(v.length, EPOCHS, `${f}: ${v}`);
    assert.ok(v.every(Number.isFinite), `${f}: ${v}`);
  }
  const csv = fs.readFileSync(path.join(out, 'history.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, EPOCHS + 1);
  assert.deepEqual(
    csv.slice(1).map((l) => l.split(',')[0]),
    Array.from({ length: EPOCHS }, (_, i) => String(i + 1)),
  );
  const leftovers = fs.readdirSync(out).filter((n) => n.includes(TMP_INFIX));
  assert.deepEqual(leftovers, [], 'no temporary files left');
  const ckpts = listCheckpoints(out);
  assert.equal(ckpts.length, 1);
  assert.equal(path.basename(ckpts[0]), `checkpoint-e000${EPOCHS}-s00000`);
  assert.equal(loadTrainCheckpoint(ckpts[0]).state.history.loss.length, EPOCHS);
  const { model, metadata } = await loadDensityModel(out);
  model.dispose();
  assert.deepEqual(metadata.inputSize, [32, 32]);
  assert.match(
    String(metadata.provenance.command),
    new RegExp(`^breast-density train --data .* --epochs ${EPOCHS} `),
  );
  const best = fs.readdirSync(out).filter((n) => n.startsWith('weights-improvement-'));
  assert.equal(best.length, 1, `one best model: ${best}`);
}

for (const engine of TRAINING_ENGINES) {
  test(`${engine}: kill -9 mid-epoch, --resume, SIGINT mid-epoch, --resume: full history, no corrupt file`, async () => {
    process.env.DENSITY_ENGINE = engine; // inherited by the CLI children
    const out = makeTmpDir();
    // 1. kill -9 during epoch 2: the checkpoint of epoch 1 survives.
    // Short delays: an epoch of this set takes a few hundred ms on ONNX Runtime (measured in CI).
    const killed = await interruptRun(out, 'SIGKILL', 'checkpoint-e0001', 60);
    assert.equal(killed.signal, 'SIGKILL', `the run ended before the kill: ${killed.stderr}`);
    const afterKill = listCheckpoints(out).map((d) => path.basename(d));
    assert.deepEqual(afterKill, ['checkpoint-e0001-s00000']);
    assert.equal(readHistorySeries(path.join(out, 'acc_val.txt')).length, 1);
    // 2. --resume, then Ctrl-C during epoch 3: a checkpoint (mid-epoch or at the boundary), exit 130.
    const stopped = await interruptRun(out, 'SIGINT', 'checkpoint-e0002', 60, ['--resume']);
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stderr, /resuming .* after epoch 1 /);
    assert.match(stopped.stderr, /SIGINT: finishing the current batch/);
    assert.match(stopped.stderr, /interrupted (in epoch 3 after \d\/4 batches|after epoch [23])/);
    const ckpt = listCheckpoints(out);
    assert.equal(ckpt.length, 1);
    const state = loadTrainCheckpoint(ckpt[0]).state;
    if (state.stepInEpoch > 0) assert.equal(state.partial?.seen, state.stepInEpoch * 2);
    // 3. --resume to the end.
    const r = runCli([...trainArgs(out), '--resume']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(
        `resuming .* after epoch ${state.epochsCompleted}${state.stepInEpoch > 0 ? ` and ${state.stepInEpoch} batches` : ''}`,
      ),
    );
    await assertCompleteRun(out);
    // The metadata lists the three runs that made the model, in order.
    const { model, metadata } = await loadDensityModel(out);
    model.dispose();
    const runs = metadata.provenance.trainingRuns as string[];
    assert.equal(runs.length, 3, `trainingRuns: ${JSON.stringify(runs)}`);
    assert.doesNotMatch(runs[0], /--resume/);
    assert.match(runs[1], / --resume$/);
    assert.match(runs[2], / --resume$/);
  });
}

test('a checkpoint written before runs were recorded: --resume lists its command first', async () => {
  const out = makeTmpDir();
  const args = trainArgs(out).map((a) => (a === String(EPOCHS) ? '1' : a));
  assert.equal(runCli(args).code, 0);
  const [ckpt] = listCheckpoints(out);
  const file = path.join(ckpt, 'state.json');
  const state = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.ok(Array.isArray(state.runs), 'this version records the runs in the checkpoint');
  delete state.runs;
  fs.writeFileSync(file, JSON.stringify(state));
  const resumed = args.map((a) => (a === '1' ? '2' : a));
  const r = runCli([...resumed, '--resume']);
  assert.equal(r.code, 0, r.stderr);
  const { model, metadata } = await loadDensityModel(out);
  model.dispose();
  const runs = metadata.provenance.trainingRuns as string[];
  assert.equal(runs.length, 2, `trainingRuns: ${JSON.stringify(runs)}`);
  assert.match(runs[0], / --epochs 1 .*--seed 2$/);
  assert.match(runs[1], / --epochs 2 .* --resume$/);
});

/**
 * Start training and kill it with SIGKILL `delayMs` after the process starts or, with
 * `afterFirstOutput`, after its first line on stderr (the backend report: start-up is over and the
 * training begins), so that the kill lands in training however fast the machine starts Node.
 */
function killAfter(
  out: string,
  delayMs: number,
  resume: boolean,
  afterFirstOutput: boolean,
): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI, ...trainArgs(out), ...(resume ? ['--resume'] : [])],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      timer ??= setTimeout(() => child.kill('SIGKILL'), delayMs);
    };
    if (afterFirstOutput) child.stderr.once('data', arm);
    else arm();
    child.stderr.resume();
    child.on('error', reject);
    child.on('exit', (_code, sig) => {
      clearTimeout(timer);
      resolve(sig);
    });
  });
}

for (const engine of TRAINING_ENGINES) {
  test(`${engine}: kill -9 at seeded random moments, several times: every resume succeeds and the history stays consistent`, async () => {
    process.env.DENSITY_ENGINE = engine; // inherited by the CLI children
    const out = makeTmpDir();
    // Seeded moments (mulberry32): the first during start-up (0.3–1.3 s after the spawn), the others
    // 0–2 s after the backend report, i.e. mid-epoch or while a checkpoint is being written.
    let s = 20261129;
    const rand = (): number => {
      s = (s + 0x6d2b79f5) | 0;
      let t = Math.imul(s ^ (s >>> 15), 1 | s);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    let kills = 0;
    for (let i = 0; i < 4; i++) {
      const resume = listCheckpoints(out).length > 0;
      const sig =
        i === 0
          ? await killAfter(out, 300 + Math.floor(rand() * 1000), resume, false)
          : await killAfter(out, Math.floor(rand() * 2000), resume, true);
      if (sig !== 'SIGKILL') break; // the run finished before the kill: nothing left to interrupt
      kills++;
      // Whatever survived must load: every checkpoint, and the model if one was saved.
      for (const c of listCheckpoints(out)) {
        const st = loadTrainCheckpoint(c).state;
        assert.equal(st.history.loss.length, st.epochsCompleted, `${c}: history matches its epoch`);
      }
      if (fs.existsSync(path.join(out, 'model.json')))
        (await loadDensityModel(out)).model.dispose();
    }
    assert.ok(kills >= 2, `only ${kills} kill(s) landed before the run finished`);
    const resume = listCheckpoints(out).length > 0;
    const r = runCli([...trainArgs(out), ...(resume ? ['--resume'] : [])]);
    assert.equal(r.code, 0, r.stderr);
    await assertCompleteRun(out);
  });
}
