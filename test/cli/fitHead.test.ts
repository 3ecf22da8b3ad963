/**
 * `breast-density fit-head` end to end on a small model and dataset: a new model directory whose
 * only changed weights are the classifier head's, a lower cross-entropy on the fitting images
 * (the fit starts at the trained head and minimises loss + penalty), the provenance of the stage,
 * and `--l2` given or cross-validated.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../helpers/cli';
import { makeTmpDir } from '../helpers/tmp';
import { writeDataset } from '../helpers/fixtures';
import { setupTf } from '../helpers/tf';
import { createDensityModel } from '../../lib/model/createDensityModel';
import { createModelMetadata } from '../../lib/modelFiles/modelMetadata';
import { loadDensityModel } from '../../lib/modelFiles/loadDensityModel';
import { saveDensityModel } from '../../lib/modelFiles/saveDensityModel';
import { readPredictionFile } from '../../lib/predict/predictionFile';

const tmp = makeTmpDir('bd-fit-head-');
const source = path.join(tmp, 'source');
const data = path.join(tmp, 'data');
const LABELS = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3];

before(async () => {
  await setupTf();
  const model = createDensityModel({ inputSize: 64, seed: 3 });
  await saveDensityModel(
    model,
    source,
    createModelMetadata(
      [64, 64],
      { createdBy: 'train', backend: 'wasm', command: 'breast-density train …' },
      'CC_R',
    ),
  );
  model.dispose();
  writeDataset(data, { A: 3, B: 3, C: 3, D: 3 });
});

/** Mean cross-entropy of a `predict` probability file against LABELS. */
function crossEntropy(modelDir: string, name: string): number {
  const out = path.join(tmp, `${name}.txt`);
  const r = runCli(['predict', '--model', modelDir, '--data', data, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  const p = readPredictionFile(out).rows;
  return p.reduce((s, row, i) => s - Math.log(row[LABELS[i]]), 0) / p.length;
}

const CASES = [
  { name: 'a given λ', args: ['--l2', '0.001'], l2From: 'option', folds: undefined },
  {
    name: 'λ by 3-fold cross-validation',
    args: ['--folds', '3'],
    l2From: 'cross-validation',
    folds: 3,
  },
];

for (const c of CASES) {
  test(`fit-head with ${c.name}: only dense_1 changes, the fitting loss goes down`, async () => {
    const out = path.join(tmp, `out-${c.l2From}`);
    const r = runCli(['fit-head', '--model', source, '--data', data, '--out', out, ...c.args]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /head refitted with λ/);
    const [a, b] = [await loadDensityModel(source), await loadDensityModel(out)];
    try {
      for (const layer of a.model.layers) {
        const [wa, wb] = [layer.getWeights(), b.model.getLayer(layer.name).getWeights()];
        const same = wa.every((t, i) => {
          const [x, y] = [t.dataSync(), wb[i].dataSync()];
          return x.every((v, j) => v === y[j]);
        });
        assert.equal(
          same,
          layer.name !== 'dense_1',
          `${layer.name}: ${same ? 'unchanged' : 'changed'}`,
        );
      }
      const p = b.metadata.provenance;
      assert.equal(p.createdBy, 'fit-head');
      assert.equal(p.initModel, source);
      assert.equal(p.initProvenance?.createdBy, 'train');
      assert.equal(p.l2From, c.l2From);
      assert.equal(p.folds, c.folds);
      assert.equal(p.fitImages, 12);
      if (c.folds) assert.equal((p.crossValidation as unknown[]).length, 12); // 11 λ + the trained head
      assert.ok((p.fitLossAfter as number) < (p.fitLossBefore as number));
    } finally {
      a.model.dispose();
      b.model.dispose();
    }
    const [before, after] = [
      crossEntropy(source, `before-${c.l2From}`),
      crossEntropy(out, `after-${c.l2From}`),
    ];
    assert.ok(after < before, `cross-entropy ${before} → ${after}`);
    assert.ok(fs.existsSync(path.join(source, 'model.json')));
  });
}

test('fit-head pools several --data folders in the order given', async () => {
  const more = path.join(tmp, 'more');
  writeDataset(more, { A: 1, B: 1, C: 1, D: 1 });
  const out = path.join(tmp, 'out-pooled');
  const r = runCli([
    'fit-head',
    '--model',
    source,
    '--data',
    data,
    more,
    '--out',
    out,
    '--l2',
    '0.01',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stderr.includes(': 12 images (A 3, B 3, C 3, D 3)'), r.stderr);
  assert.ok(r.stderr.includes(': 4 images (A 1, B 1, C 1, D 1)'), r.stderr);
  const { model, metadata } = await loadDensityModel(out);
  model.dispose();
  assert.equal(metadata.provenance.fitImages, 16);
  assert.equal(metadata.provenance.data, `${data} + ${more}`);
});
