/**
 * The bad-input matrix: runs every case of test/cli/badInput/*.json against the real CLI.
 * Format and fixture kinds: test/cli/badInput/README.md.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { execFileSync, spawn } from 'child_process';
import { CLI, errorLines, runCli, type CliResult } from '../helpers/cli';
import { makeTmpDir } from '../helpers/tmp';
import { gradientRaster, palettePng, writeDataset, writeJpeg, writePng } from '../helpers/fixtures';
import { setupTf } from '../helpers/tf';
import { createDensityModel } from '../../lib/model';
import { createModelMetadata, saveDensityModel } from '../../lib/modelFiles';

const REPO = path.join(__dirname, '..', '..');
const CASE_DIR = path.join(__dirname, 'badInput');

interface SetupStep {
  kind: string;
  path: string;
  [key: string]: unknown;
}
interface BadInputCase {
  name: string;
  args: string[];
  setup?: SetupStep[];
  /** Send `signal` once a path under {tmp} matches `whenPath` (a regex): a signal during a write. */
  interrupt?: { signal: NodeJS.Signals; whenPath: string };
  /** Extra environment variables of the CLI process (e.g. DENSITY_BACKEND). */
  env?: Record<string, string>;
  expect: {
    code: number;
    stderr?: string;
    stdout?: string;
    absent?: string[];
    exists?: string[];
    /** Paths that must still be character devices afterwards (`/dev/null`, `/dev/full`). */
    devices?: string[];
    /** Files whose bytes must be unchanged (nothing lost): compared with a copy taken before the run. */
    unchanged?: string[];
  };
}

/** tmpfs mounted by `tmpfs` setup steps, unmounted after each case. */
const mounts: string[] = [];
/** Why the current case cannot run here (tmpfs mount refused), or ''. */
let skipReason = '';

function loadCases(): { file: string; c: BadInputCase }[] {
  return fs
    .readdirSync(CASE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((file) => {
      const list = JSON.parse(fs.readFileSync(path.join(CASE_DIR, file), 'utf8')) as BadInputCase[];
      assert.ok(Array.isArray(list), `${file}: expected a JSON list of cases`);
      return list.map((c) => ({ file, c }));
    });
}

let sharedModel = '';
async function sharedModelDir(): Promise<string> {
  if (!sharedModel)
    sharedModel = await saveSmallModel(path.join(makeTmpDir('bd-bad-model-'), 'model'), 64);
  return sharedModel;
}

async function saveSmallModel(dir: string, size: number): Promise<string> {
  await setupTf();
  const model = createDensityModel({ inputSize: size, seed: 1 });
  await saveDensityModel(
    model,
    dir,
    createModelMetadata([size, size], { createdBy: 'init', backend: 'wasm' }, 'CC_R'),
  );
  model.dispose();
  return dir;
}

function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}

function setDotted(obj: Record<string, unknown>, key: string, value: unknown, del = false): void {
  const parts = key.split('.');
  let cur = obj as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) cur = cur[p] as Record<string, unknown>;
  if (del) delete cur[parts[parts.length - 1]];
  else cur[parts[parts.length - 1]] = value;
}

async function runSetup(step: SetupStep, vars: Record<string, string>): Promise<void> {
  const p = fill(step.path, vars);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  const num = (k: string, d: number) => (typeof step[k] === 'number' ? (step[k] as number) : d);
  switch (step.kind) {
    case 'text':
      fs.writeFileSync(p, String(step.text));
      return;
    case 'bytes':
      fs.writeFileSync(p, Buffer.from(String(step.hex ?? ''), 'hex'));
      return;
    case 'png':
      if (step.palette) fs.writeFileSync(p, palettePng(num('width', 64), num('height', 64)).png);
      else
        writePng(
          p,
          gradientRaster(
            num('width', 64),
            num('height', 64),
            num('channels', 1) as 1,
            num('bitDepth', 8) as 8,
          ),
        );
      return;
    case 'truncated': {
      const from = fs.readFileSync(fill(String(step.from), vars));
      fs.writeFileSync(p, from.subarray(0, num('bytes', Math.floor(from.length / 2))));
      return;
    }
    case 'jpeg':
      await writeJpeg(p, num('width', 64), num('height', 64));
      return;
    case 'dir':
      fs.mkdirSync(p, { recursive: true });
      return;
    case 'dataset':
      writeDataset(p, (step.classes as Record<string, number>) ?? { A: 1 }, num('size', 64));
      return;
    case 'model':
      await saveSmallModel(p, num('size', 64));
      return;
    case 'predictions': {
      const cols = num('columns', 4);
      const row =
        typeof step.values === 'string'
          ? step.values
          : Array.from({ length: cols }, () =>
              (1 / cols).toExponential(18).replace(/e([+-])(\d)$/, 'e$10$2'),
            ).join(' ');
      fs.writeFileSync(p, Array.from({ length: num('rows', 4) }, () => row).join('\n') + '\n');
      return;
    }
    case 'copy':
      fs.cpSync(fill(String(step.from), vars), p, { recursive: true });
      return;
    case 'mutateJson': {
      const json = JSON.parse(fs.readFileSync(p, 'utf8'));
      for (const [k, v] of Object.entries((step.set as Record<string, unknown>) ?? {}))
        setDotted(json, k, v);
      for (const k of (step.delete as string[]) ?? []) setDotted(json, k, undefined, true);
      fs.writeFileSync(p, JSON.stringify(json));
      return;
    }
    case 'fillWeights': {
      // Every weight of a model directory set to `value` (NaN, or huge: outputs overflow).
      const v = step.value === 'NaN' ? NaN : Number(step.value);
      for (const f of fs.readdirSync(p).filter((n) => n.endsWith('.bin'))) {
        const n = fs.statSync(path.join(p, f)).size / 4;
        fs.writeFileSync(path.join(p, f), Buffer.from(new Float32Array(n).fill(v).buffer));
      }
      return;
    }
    case 'symlink':
      fs.symlinkSync(fill(String(step.target), vars), p);
      return;
    case 'fifo':
      execFileSync('mkfifo', [p]);
      return;
    case 'tmpfs': {
      // A tiny file system to fill up (disk full). Needs root; otherwise the case is skipped.
      fs.mkdirSync(p, { recursive: true });
      try {
        execFileSync(
          'mount',
          ['-t', 'tmpfs', '-o', `size=${String(step.size ?? '4k')}`, 'tmpfs', p],
          {
            stdio: 'pipe',
          },
        );
        mounts.push(p);
      } catch (err) {
        skipReason = `cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`;
      }
      return;
    }
    case 'removeMatching': {
      const re = new RegExp(String(step.pattern));
      for (const f of fs.readdirSync(p))
        if (re.test(f)) fs.rmSync(path.join(p, f), { recursive: true });
      return;
    }
    default:
      throw new Error(`unknown setup kind "${step.kind}" (see test/cli/badInput/README.md)`);
  }
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? [p, ...listFiles(p)] : [p];
  });
}

/** `BAD_INPUT_FILTER=text` runs only the cases whose name contains `text` (for development). */
const FILTER = process.env.BAD_INPUT_FILTER ?? '';
const allCases = loadCases();
/** `BAD_INPUT_FILE=writes.json` runs only the cases of that file (for development). */
const FILE_FILTER = process.env.BAD_INPUT_FILE ?? '';
const cases = allCases.filter(
  ({ file, c }) => c.name.includes(FILTER) && (!FILE_FILTER || file === FILE_FILTER),
);

before(async () => {
  await sharedModelDir();
});

test('the bad-input matrix has at least 40 cases, with unique names, covering every command', () => {
  const cases = allCases;
  const names = cases.map(({ c }) => c.name);
  assert.equal(new Set(names).size, names.length, 'case names are unique');
  assert.ok(cases.length >= 40, `only ${cases.length} cases`);
  const commands = new Set(cases.map(({ c }) => c.args[0]));
  for (const cmd of ['predict', 'metrics', 'gradcam', 'train', 'phantom', 'import-keras', 'info']) {
    assert.ok(commands.has(cmd), `no bad-input case for "${cmd}"`);
  }
});

/** Run the CLI and send `interrupt.signal` as soon as a path under `tmp` matches `whenPath`. */
function runInterrupted(
  args: string[],
  tmp: string,
  interrupt: NonNullable<BadInputCase['interrupt']>,
  env: Record<string, string> = {},
): Promise<CliResult & { sent: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: tmp,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const re = new RegExp(interrupt.whenPath);
    const poll = setInterval(() => {
      if (sent) return;
      let hit = false;
      try {
        hit = listFiles(tmp).some((f) => re.test(path.relative(tmp, f)));
      } catch {
        hit = false; // a folder vanished while listing: look again
      }
      if (hit) {
        sent = true;
        child.kill(interrupt.signal);
      }
    }, 5);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolve({ code: code ?? (signal ? -1 : -2), stdout, stderr, sent });
    });
  });
}

for (const { file, c } of cases) {
  test(`bad input [${file}] ${c.name}`, async (t) => {
    const tmp = makeTmpDir('bd-bad-');
    const vars = { tmp, repo: REPO, model: await sharedModelDir() };
    skipReason = '';
    try {
      for (const step of c.setup ?? []) await runSetup(step, vars);
      if (skipReason) {
        t.skip(skipReason);
        return;
      }
      await checkCase(c, tmp, vars);
    } finally {
      for (const m of mounts.splice(0)) execFileSync('umount', [m]);
    }
  });
}

async function checkCase(
  c: BadInputCase,
  tmp: string,
  vars: Record<string, string>,
): Promise<void> {
  {
    const before = new Map(
      (c.expect.unchanged ?? []).map((u) => [fill(u, vars), fs.readFileSync(fill(u, vars))]),
    );
    const args = c.args.map((a) => fill(a, vars));
    let r: CliResult;
    if (c.interrupt) {
      const ir = await runInterrupted(args, tmp, c.interrupt, c.env);
      assert.ok(
        ir.sent,
        `the signal was never sent (no path matched ${c.interrupt.whenPath})\nstderr: ${ir.stderr}`,
      );
      r = ir;
    } else {
      r = runCli(args, { cwd: tmp, env: c.env });
    }
    const detail = `\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`;
    assert.equal(r.code, c.expect.code, `exit code${detail}`);
    assert.ok(!/^\s+at .+:\d+:\d+\)?$/m.test(r.stderr), `no stack trace${detail}`);
    if (c.expect.code !== 0) {
      assert.equal(errorLines(r.stderr).length, 1, `exactly one error line${detail}`);
    }
    if (c.expect.stderr)
      assert.match(r.stderr, new RegExp(fill(c.expect.stderr, vars)), `stderr${detail}`);
    if (c.expect.stdout)
      assert.match(r.stdout, new RegExp(fill(c.expect.stdout, vars)), `stdout${detail}`);
    for (const a of c.expect.absent ?? [])
      assert.ok(!fs.existsSync(fill(a, vars)), `${fill(a, vars)} must not exist${detail}`);
    for (const e of c.expect.exists ?? [])
      assert.ok(fs.existsSync(fill(e, vars)), `${fill(e, vars)} must exist${detail}`);
    for (const d of c.expect.devices ?? [])
      assert.ok(fs.lstatSync(d).isCharacterDevice(), `${d} must still be a character device`);
    for (const [f, bytes] of before)
      assert.deepEqual(fs.readFileSync(f), bytes, `${f} must be unchanged${detail}`);
    const stray = listFiles(tmp).filter((f) => f.includes('.tmp-'));
    assert.deepEqual(stray, [], 'no temporary files left behind');
  }
}
