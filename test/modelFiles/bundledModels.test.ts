/**
 * The bundled models make the committed `Prediction/` files, and those files give the accuracy
 * table of docs/training.md ("The bundled models"):
 * - a sample of the held-out subjects (the first two of each class) is regenerated with the
 *   exact phantom command of `scripts/make-predictions.sh` plus `--subject-ids` (each image is
 *   byte-identical to the one in the whole set), every bundled model predicts it with
 *   `breast-density predict`, and its probabilities must equal the committed rows of those
 *   subjects; the whole set of 120 would take minutes at mammogram size;
 * - the committed `.txt` files (the original format) hold the same numbers as their CSVs;
 * - `breast-density metrics` on the committed files gives the table.
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
const SAMPLE_PER_CLASS = 2;

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

/** The phantom arguments of scripts/make-predictions.sh (`PHANTOM_CMD=(phantom …)`), its output replaced. */
function phantomArgs(out: string): string[] {
  const script = fs.readFileSync(path.join(ROOT, 'scripts', 'make-predictions.sh'), 'utf8');
  const m = /^PHANTOM_CMD=\((phantom [^)]*)\)/m.exec(script);
  assert.ok(m, 'scripts/make-predictions.sh has no PHANTOM_CMD=(phantom …) line');
  const args = m[1].split(/\s+/).filter((a) => a !== '');
  const i = args.indexOf('--out');
  assert.equal(args[i + 1], '"$TEST_DATA"');
  args[i + 1] = out;
  return args;
}

/** Rows of a prediction CSV (`file,subject,projection,true_class,prob_A…prob_D,predicted_class`). */
function readCsv(file: string): { file: string; subject: string; cls: string; probs: number[] }[] {
  const [head, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(
    head,
    'file,subject,projection,true_class,prob_A,prob_B,prob_C,prob_D,predicted_class',
    file,
  );
  return lines.map((l) => {
    const f = l.split(',');
    return { file: f[0], subject: f[1], cls: f[3], probs: f.slice(4, 8).map(Number) };
  });
}

const committedCsv = (txt: string) => path.join(PREDICTION, txt.replace(/\.txt$/, '.csv'));

let work = '';
let sample: string[] = [];

before(() => {
  work = makeTmpDir('bd-bundled-');
  const rows = readCsv(committedCsv(MODELS[0][2]));
  sample = ['A', 'B', 'C', 'D'].flatMap((c) =>
    rows
      .filter((r) => r.cls === c)
      .slice(0, SAMPLE_PER_CLASS)
      .map((r) => r.subject),
  );
  assert.equal(sample.length, 4 * SAMPLE_PER_CLASS);
  const args = [...phantomArgs(path.join(work, 'test')), '--subject-ids', sample.join(',')];
  const r = runCli(args);
  assert.equal(r.code, 0, r.stderr);
});

for (const [projection, model, file] of MODELS) {
  test(`${model} on a sample of the held-out ${projection} phantoms gives their rows of Prediction/${file}`, () => {
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
    const got = readCsv(out.replace(/\.txt$/, '.csv'));
    const want = new Map(readCsv(committedCsv(file)).map((row) => [row.file, row]));
    assert.deepEqual(got.map((row) => row.subject).sort(), [...sample].sort());
    let worst = 0;
    for (const row of got) {
      const w = want.get(row.file);
      assert.ok(w, `${row.file} is not in the committed ${file}`);
      row.probs.forEach((p, k) => (worst = Math.max(worst, Math.abs(p - w.probs[k]))));
    }
    assert.ok(worst <= 1e-5, `largest probability difference ${worst}`);
  });
}

test('the committed .txt prediction files hold the numbers of their CSVs, 120 subjects, row for row', () => {
  const labels = fs.readFileSync(path.join(PREDICTION, 'labels.txt'), 'utf8').trim().split('\n');
  assert.equal(labels.length, 120);
  for (const [, , file] of MODELS) {
    const txt = parsePredictionFile(
      fs.readFileSync(path.join(PREDICTION, file), 'utf8'),
      file,
    ).rows;
    const csv = readCsv(committedCsv(file));
    assert.equal(txt.length, 120, file);
    assert.deepEqual(
      csv.map((r) => r.cls),
      labels,
      `${file}: classes of the CSV rows and labels.txt`,
    );
    csv.forEach((row, i) =>
      row.probs.forEach((p, k) =>
        assert.ok(Math.abs(p - txt[i][k]) <= 1e-7, `${file} row ${i + 1}`),
      ),
    );
  }
});

test('metrics on the committed predictions give the README accuracy table', () => {
  const args = ['metrics', '--labels', path.join(PREDICTION, 'labels.txt'), '--bootstrap', '0'];
  for (const [projection, , file] of MODELS)
    args.push('--pred', `${projection}=${path.join(PREDICTION, file)}`);
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
