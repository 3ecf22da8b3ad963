import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');

/** Run a snippet in a fresh process (backend choice is per process). */
function runSnippet(
  code: string,
  env: NodeJS.ProcessEnv = {},
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, DENSITY_BACKEND: '', ...env },
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const snippet = `
const { initBackend } = require('./lib/backend/initBackend.ts');
initBackend().then((i) => { console.log(JSON.stringify(i)); return initBackend(); })
  .catch((e) => { console.error('ERR ' + e.message); process.exit(2); });
`;

test('without native TF the wasm backend is chosen and reported exactly once', () => {
  const r = runSnippet(snippet);
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.equal(info.name, 'wasm');
  assert.equal(info.tfName, 'wasm');
  assert.equal(info.forced, false);
  assert.deepEqual(
    info.skipped.map((s: { name: string }) => s.name),
    ['tensorflow-gpu', 'tensorflow'],
  );
  assert.match(info.skipped[0].reason, /tfjs-node-gpu/);
  const reports = r.stderr.split('\n').filter((l) => l.includes('backend wasm'));
  assert.equal(reports.length, 1, r.stderr);
  assert.match(reports[0], /TensorFlow\.js 4\.\d+\.\d+ backend wasm \(SIMD on/);
});

const forcedCases: { env: string; code: number; match: RegExp }[] = [
  { env: 'cpu', code: 0, match: /"name":"cpu".*"forced":true/ },
  { env: 'wasm', code: 0, match: /"name":"wasm".*"forced":true/ },
  {
    env: 'tensorflow-gpu',
    code: 2,
    match: /backend "tensorflow-gpu" was forced but cannot start: .*tfjs-node-gpu/,
  },
  {
    env: 'tensorflow',
    code: 2,
    match: /backend "tensorflow" was forced but cannot start: .*tfjs-node/,
  },
  {
    env: 'webgpu',
    code: 2,
    match: /DENSITY_BACKEND: expected one of tensorflow-gpu, tensorflow, wasm, cpu, got "webgpu"/,
  },
];
for (const c of forcedCases) {
  test(`DENSITY_BACKEND=${c.env}`, () => {
    const r = runSnippet(snippet, { DENSITY_BACKEND: c.env });
    assert.equal(r.code, c.code, r.stderr);
    assert.match(r.stdout + r.stderr, c.match);
  });
}
