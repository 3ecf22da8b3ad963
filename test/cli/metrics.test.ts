import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../helpers/cli';
import { makeTmpDir } from '../helpers/tmp';
import { referencePath, referenceSkip } from '../helpers/reference';
import { decodePng } from '../../lib/io/png';
import { parseCountsOption, parsePredArgument } from '../../lib/cli/commands/metrics';

const VIEWS = { CC_R: 'ccr', MLO_R: 'mlor', CC_L: 'ccl', MLO_L: 'mlol' } as const;

/** Independent reading: whitespace-split numbers, row-wise mean, first argmax, counting. */
function independentConfusion(files: string[], truth: number[]): number[][] {
  const mats = files.map((f) =>
    fs
      .readFileSync(f, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number)),
  );
  const cm = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
  truth.forEach((t, i) => {
    const mean = [0, 1, 2, 3].map((c) => mats.reduce((s, m) => s + m[i][c], 0) / mats.length);
    cm[t][mean.indexOf(Math.max(...mean))] += 1;
  });
  return cm;
}

test(
  'metrics on the original prediction files: all seven groups, confusion matrices checked independently',
  { skip: referenceSkip('original-predictions') },
  () => {
    const file = (v: keyof typeof VIEWS): string =>
      referencePath('original-predictions', `predictions_${VIEWS[v]}.txt`);
    const r = runCli([
      'metrics',
      ...Object.keys(VIEWS).flatMap((v) => ['--pred', `${v}=${file(v as keyof typeof VIEWS)}`]),
      '--counts',
      '14,51,50,13',
      '--json',
      '--bootstrap',
      '200',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), [
      'CC_R',
      'MLO_R',
      'CC_L',
      'MLO_L',
      'right',
      'left',
      'total',
    ]);
    const truth = [14, 51, 50, 13].flatMap((n, k) => new Array<number>(n).fill(k));
    const groups: Record<string, (keyof typeof VIEWS)[]> = {
      CC_R: ['CC_R'],
      MLO_R: ['MLO_R'],
      CC_L: ['CC_L'],
      MLO_L: ['MLO_L'],
      right: ['CC_R', 'MLO_R'],
      left: ['CC_L', 'MLO_L'],
      total: ['CC_R', 'MLO_R', 'CC_L', 'MLO_L'],
    };
    for (const [g, views] of Object.entries(groups)) {
      const cm = independentConfusion(views.map(file), truth);
      assert.deepEqual(out[g].confusion, cm, `${g} confusion`);
      assert.equal(out[g].n, 128);
      const diag = cm.reduce((s, row, i) => s + row[i], 0);
      assert.equal(out[g].accuracy, diag / 128, `${g} accuracy`);
      const recall = cm.map((row, i) => row[i] / row.reduce((a, b) => a + b, 0));
      assert.ok(Math.abs(out[g].recall_macro - recall.reduce((a, b) => a + b, 0) / 4) < 1e-12);
      for (const k of [
        'precision_macro',
        'f1_macro',
        'kappa_linear',
        'kappa_quadratic',
        'auc_ovr_macro',
      ]) {
        assert.ok(out[g][k] > 0.5 && out[g][k] <= 1, `${g} ${k} = ${out[g][k]}`);
      }
      const [lo, hi] = out[g].ci95.accuracy;
      assert.ok(lo < out[g].accuracy && out[g].accuracy < hi, `${g} CI ${lo}..${hi}`);
    }
  },
);

test(
  'metrics text report lists every group and the summary table',
  { skip: referenceSkip('original-predictions') },
  () => {
    const r = runCli([
      'metrics',
      '--pred',
      `CC_R=${referencePath('original-predictions', 'predictions_ccr.txt')}`,
      `MLO_R=${referencePath('original-predictions', 'predictions_mlor.txt')}`,
      '--counts',
      '14,51,50,13',
      '--bootstrap',
      '0',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^== CC_R \(n = 128\)  predictions_ccr\.txt$/m);
    assert.match(
      r.stdout,
      /^== right side \(CC_R \+ MLO_R\) \(n = 128\)  mean of predictions_ccr\.txt \+ predictions_mlor\.txt$/m,
    );
    assert.match(r.stdout, /^A +12 +2 +0 +0 +0\.632 +0\.857 +0\.727 +14 +0\.967$/m);
    assert.match(r.stdout, /^CC_R +128 +0\.773 /m);
    assert.doesNotMatch(r.stdout, /^total/m);
    assert.doesNotMatch(r.stdout, /bootstrap/);
  },
);

/** Small synthetic case computed by hand (no reference material needed). */
function writeSmallCase(dir: string): { ccr: string; mlor: string; labels: string } {
  // truth A B C D C; CC_R predicts A B C C B; MLO_R predicts A B C D C
  const ccr = ['0.9 0.1 0 0', '0.2 0.7 0.1 0', '0 0.2 0.8 0', '0 0 0.6 0.4', '0 0.5 0.4 0.1'];
  const mlor = ['0.8 0.2 0 0', '0.1 0.8 0.1 0', '0 0 1 0', '0 0 0.1 0.9', '0 0.2 0.7 0.1'];
  const files = {
    ccr: path.join(dir, 'predictions_ccr.txt'),
    mlor: path.join(dir, 'predictions_mlor.txt'),
    labels: path.join(dir, 'labels.txt'),
  };
  fs.writeFileSync(files.ccr, `${ccr.join('\n')}\n`);
  fs.writeFileSync(files.mlor, `${mlor.join('\n')}\n`);
  fs.writeFileSync(files.labels, '# true classes\nA\nB\nC\nD\nC\n');
  return files;
}

test('metrics --labels on a small hand-computed case, and --out writes the figures', () => {
  const dir = makeTmpDir();
  const f = writeSmallCase(dir);
  const out = path.join(dir, 'figures');
  const r = runCli([
    'metrics',
    '--pred',
    `CC_R=${f.ccr}`,
    `MLO_R=${f.mlor}`,
    '--labels',
    f.labels,
    '--json',
    '--out',
    out,
    '--no-html',
    '--bootstrap',
    '50',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j), ['CC_R', 'MLO_R', 'right']);
  assert.deepEqual(j.CC_R.confusion, [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 1, 1, 0],
    [0, 0, 1, 0],
  ]);
  assert.equal(j.CC_R.accuracy, 3 / 5);
  // recall A 1, B 1, C 1/2, D 0 → 0.625; precision A 1, B 1/2, C 1/2, D 0 (never predicted) → 0.5
  assert.equal(j.CC_R.recall_macro, 0.625);
  assert.equal(j.CC_R.precision_macro, 0.5);
  assert.equal(j.MLO_R.accuracy, 1);
  // right = mean of the two: row 4 (truth C) = [0, 0.35, 0.55, 0.1] → C; row 3 (truth D) = [0, 0, 0.35, 0.65] → D
  assert.equal(j.right.accuracy, 1);
  assert.deepEqual(fs.readdirSync(out).sort(), [
    'confusionmatrix_CCR.png',
    'confusionmatrix_MLOR.png',
    'confusionmatrix_right.png',
    'metrics.json',
  ]);
  const png = decodePng(fs.readFileSync(path.join(out, 'confusionmatrix_right.png')), 'png');
  assert.deepEqual([png.width, png.height], [560, 500]);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')), j);
});

test('metrics --out with HTML: a standalone page with plotly.js and the figure', () => {
  const dir = makeTmpDir();
  const f = writeSmallCase(dir);
  const out = path.join(dir, 'figs');
  const r = runCli([
    'metrics',
    '--pred',
    `CC_R=${f.ccr}`,
    '--counts',
    '1,1,2,1',
    '--out',
    out,
    '--bootstrap',
    '0',
  ]);
  // counts 1,1,2,1 are A B C C D in row order, not the labels file's order: still valid input
  assert.equal(r.code, 0, r.stderr);
  const html = fs.readFileSync(path.join(out, 'confusionmatrix_CCR.html'), 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /plotly\.js v\d/);
  assert.match(html, /"type":"heatmap"/);
  assert.match(r.stdout, /figures and metrics\.json written to/);
});

test('VIEW=FILE and --counts parsing', () => {
  assert.deepEqual(parsePredArgument('ccr=a=b.txt'), { view: 'CC_R', file: 'a=b.txt' });
  assert.deepEqual(parsePredArgument('MLO-L=x'), { view: 'MLO_L', file: 'x' });
  assert.throws(() => parsePredArgument('CC=x'), /--pred: expected VIEW=FILE/);
  assert.throws(() => parsePredArgument('CC_R='), /--pred: expected VIEW=FILE/);
  assert.deepEqual(parseCountsOption('14, 51,50,13'), [14, 51, 50, 13]);
  assert.throws(() => parseCountsOption('14,51,50'), /--counts: expected four whole numbers/);
  assert.throws(() => parseCountsOption('0,0,0,0'), /--counts/);
});
