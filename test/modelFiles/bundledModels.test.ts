/**
 * The bundled models reach the accuracies the README reports: the held-out phantom test set of
 * `scripts/make-predictions.sh` is regenerated from its seed, every bundled model predicts it
 * with `breast-density predict`, the probabilities must equal the committed `Prediction/` files,
 * and `breast-density metrics` on them must give the README's accuracy table
 * (section "The bundled models").
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../helpers/cli';
import { makeTmpDir } from '../helpers/tmp';
import { parsePredictionFile } from '../../lib/predict/predictionFile';

const ROOT = path.join(__dirname, '..', '..');
const PREDICTION = path.join(ROOT, 'Prediction');

// prettier-ignore
const MODELS: [string, string, string][] = [
  // projection  model directory          prediction file
  ['CC_R',       'CC_R_model',            'predictions_ccr.txt'],
  ['MLO_R',      'models/MLO_R_model',    'predictions_mlor.txt'],
  ['CC_L',       'models/CC_L_model',     'predictions_ccl.txt'],
  ['MLO_L',      'models/MLO_L_model',    'predictions_mlol.txt'],
];

/** The bundled-models table of docs/training.md: accuracy in percent per row label (projection, side, exam). */
function readmeAccuracies(): Map<string, number> {
  const text = fs.readFileSync(path.join(ROOT, 'docs', 'training.md'), 'utf8');
  const start = text.indexOf('### The bundled models');
  assert.ok(start >= 0, 'docs/training.md has no "### The bundled models" section');
  const section = text.slice(start, text.indexOf('\n### ', start + 5));
  const out = new Map<string, number>();
  for (const line of section.split('\n')) {
    const m = /^\| ([^|]+?) \|.*\| \*\*(\d+(?:\.\d)?) %\*\*/.exec(line);
    if (m) out.set(m[1].split(' ')[0], Number(m[2]));
  }
  return out;
}

let work = '';

before(() => {
  work = makeTmpDir('bd-bundled-');
  // The exact phantom command of scripts/make-predictions.sh.
  const r = runCli([
    'phantom',
    '--out',
    path.join(work, 'test'),
    '--subjects',
    '120',
    '--seed',
    '20261129',
    '--size',
    '192x336',
    '--split',
    '0,0,1',
  ]);
  assert.equal(r.code, 0, r.stderr);
});

for (const [projection, model, file] of MODELS) {
  test(`${model} on the held-out ${projection} phantoms gives Prediction/${file}`, () => {
    const out = path.join(work, file);
    const r = runCli([
      'predict',
      '--model',
      path.join(ROOT, model),
      '--data',
      path.join(work, 'test'),
      '--projection',
      projection,
      '--split',
      'test',
      '--out',
      out,
      '--workers',
      '1',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const got = parsePredictionFile(fs.readFileSync(out, 'utf8'), out).rows;
    const wantText = fs.readFileSync(path.join(PREDICTION, file), 'utf8');
    const want = parsePredictionFile(wantText, file).rows;
    assert.equal(got.length, 120);
    assert.equal(got.length, want.length);
    let worst = 0;
    got.forEach((row, i) =>
      row.forEach((p, k) => (worst = Math.max(worst, Math.abs(p - want[i][k])))),
    );
    assert.ok(worst <= 1e-5, `largest probability difference ${worst}`);
  });
}

test('metrics on the regenerated predictions give the README accuracy table', () => {
  const args = ['metrics', '--labels', path.join(PREDICTION, 'labels.txt'), '--bootstrap', '0'];
  for (const [projection, , file] of MODELS)
    args.push('--pred', `${projection}=${path.join(work, file)}`);
  const r = runCli([...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Record<string, { accuracy: number; n: number }>;
  const readme = readmeAccuracies();
  // prettier-ignore
  const rows: [string, string][] = [
    ['CC_R', 'CC_R'], ['CC_L', 'CC_L'], ['MLO_L', 'MLO_L'], ['MLO_R', 'MLO_R'],
    ['right', 'right'], ['left', 'left'], ['exam', 'total'],
  ];
  for (const [label, group] of rows) {
    assert.ok(readme.has(label), `README table has no accuracy for "${label}"`);
    const measured = Math.round(report[group].accuracy * 1000) / 10;
    assert.equal(
      measured,
      readme.get(label),
      `${label}: measured ${measured} %, README says ${readme.get(label)} %`,
    );
  }
});
