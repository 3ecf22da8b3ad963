import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { setupTf, leakedTensors } from '../helpers/tf';
import { makeTmpDir } from '../helpers/tmp';
import { runCli } from '../helpers/cli';
import { encodePng } from '../../lib/io/png';
import { createDensityModel } from '../../lib/model';
import { createModelMetadata, saveDensityModel } from '../../lib/modelFiles';
import { readImageDataset, loadImage, preprocessBatch } from '../../lib/data';
import {
  fastModelForward,
  layersModelForward,
  predictDataset,
  readPredictionCsv,
  readPredictionFile,
} from '../../lib/predict';

/** A gray PNG with a per-image pattern (different mean and texture, sizes not square). */
function writeImage(file: string, seed: number, width = 72, height = 90): void {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      data[y * width + x] = (x * (seed + 1) + y * 3 + seed * 37) % 256;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, encodePng({ width, height, channels: 1, bitDepth: 8, data }));
}

/** Dataset `<dir>/<class>/…png`; names chosen so that code-point order differs from numeric order. */
function writeDataset(dir: string): void {
  writeImage(path.join(dir, 'B', '20_1_B_CC_R.png'), 1);
  writeImage(path.join(dir, 'B', '3_1_B_CC_R.png'), 2);
  writeImage(path.join(dir, 'A', '7_1_A_CC_R.png'), 3, 64, 64);
  writeImage(path.join(dir, 'D', '11_1_D_CC_R.png'), 4, 100, 60);
  writeImage(path.join(dir, 'C', 'x.png'), 5);
}

let modelDir = '';
let dataDir = '';
before(async () => {
  await setupTf();
  const root = makeTmpDir();
  modelDir = path.join(root, 'model');
  dataDir = path.join(root, 'data');
  writeDataset(dataDir);
  const model = createDensityModel({ inputSize: 64, seed: 3 });
  await saveDensityModel(
    model,
    modelDir,
    createModelMetadata([64, 64], { createdBy: 'init' }, 'CC_R'),
  );
  model.dispose();
});

test('predictDataset: Keras order, same probabilities as model.predict, batch size irrelevant, no leak', async () => {
  const model = createDensityModel({ inputSize: 64, seed: 3 });
  const ds = readImageDataset(dataDir);
  const forward = layersModelForward(model);
  let r1: Awaited<ReturnType<typeof predictDataset>> | undefined;
  const leaked = await leakedTensors(async () => {
    r1 = await predictDataset(ds, forward, {
      inputSize: [64, 64],
      batchSize: 3,
      progress: 'silent',
    });
  });
  assert.equal(leaked, 0);
  const r = r1!;
  assert.deepEqual(
    r.records.map((x) => x.file),
    ['A/7_1_A_CC_R.png', 'B/20_1_B_CC_R.png', 'B/3_1_B_CC_R.png', 'C/x.png', 'D/11_1_D_CC_R.png'],
  );
  assert.deepEqual(
    r.records.map((x) => [x.trueClass, x.subject, x.projection]),
    [
      ['A', '7', 'CC_R'],
      ['B', '20', 'CC_R'],
      ['B', '3', 'CC_R'],
      ['C', '', ''],
      ['D', '11', 'CC_R'],
    ],
  );
  // Independent path: every image at once through model.predict.
  const imgs = await Promise.all(ds.items.map((it) => loadImage(it.path)));
  const expected = tf.tidy(() =>
    (model.predict(preprocessBatch(imgs, [64, 64])) as tf.Tensor2D).arraySync(),
  );
  r.probabilities.forEach((row, i) =>
    row.forEach((v, j) =>
      assert.ok(
        Math.abs(v - expected[i][j]) < 1e-5,
        `row ${i} col ${j}: ${v} vs ${expected[i][j]}`,
      ),
    ),
  );
  for (const row of r.probabilities) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  r.records.forEach((rec, i) => {
    assert.deepEqual(rec.probabilities, r.probabilities[i]);
    assert.equal(
      rec.predictedClass,
      'ABCD'[r.probabilities[i].indexOf(Math.max(...r.probabilities[i]))],
    );
  });
  const r4 = await predictDataset(ds, forward, {
    inputSize: [64, 64],
    batchSize: 1,
    progress: 'silent',
  });
  r4.probabilities.forEach((row, i) =>
    row.forEach((v, j) => assert.ok(Math.abs(v - r.probabilities[i][j]) < 1e-5)),
  );
  // progress sink sees every batch
  const seen: number[] = [];
  await predictDataset(ds, forward, {
    inputSize: [64, 64],
    batchSize: 2,
    progress: (s) => seen.push(s.done),
  });
  assert.deepEqual([...new Set(seen)], [2, 4, 5]);
  model.dispose();
});

test('a linear-head model gets a softmax: outputs are probabilities', async () => {
  const model = createDensityModel({ inputSize: 64, seed: 3, headActivation: 'linear' });
  const soft = createDensityModel({ inputSize: 64, seed: 3 });
  const x = tf.randomNormal([2, 64, 64, 3]) as tf.Tensor4D;
  const a = layersModelForward(model)(x);
  const b = layersModelForward(soft)(x);
  const av = await a.array();
  const bv = await b.array();
  av.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - bv[i][j]) < 1e-5)));
  tf.dispose([x, a, b]);
  model.dispose();
  soft.dispose();
});

test('CLI predict writes the %.18e file and the CSV; metrics reads them back', () => {
  const out = path.join(makeTmpDir(), 'Prediction', 'predictions_ccr.txt');
  const r = runCli([
    'predict',
    '--model',
    modelDir,
    '--data',
    dataDir,
    '--out',
    out,
    '--batch',
    '2',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^predicted 5 images at 64x64 in /m);
  assert.match(r.stdout, /^accuracy \d\/5 = /m);
  const text = fs.readFileSync(out, 'utf8');
  assert.match(
    text,
    /^(\d\.\d{18}e[+-]\d\d \d\.\d{18}e[+-]\d\d \d\.\d{18}e[+-]\d\d \d\.\d{18}e[+-]\d\d\n){5}$/,
  );
  const csvFile = out.replace(/\.txt$/, '.csv');
  const rec = readPredictionCsv(csvFile);
  assert.deepEqual(
    rec.map((x) => x.trueClass),
    ['A', 'B', 'B', 'C', 'D'],
  );
  assert.deepEqual(
    rec.map((x) => x.probabilities),
    readPredictionFile(out).rows,
  );
  const m = runCli([
    'metrics',
    '--pred',
    `CC_R=${out}`,
    '--csv',
    csvFile,
    '--json',
    '--bootstrap',
    '0',
  ]);
  assert.equal(m.code, 0, m.stderr);
  const j = JSON.parse(m.stdout);
  assert.equal(j.CC_R.n, 5);
  assert.deepEqual(
    j.CC_R.confusion.map((row: number[]) => row.reduce((a, b) => a + b, 0)),
    [1, 2, 1, 1],
  );
  const single = runCli([
    'predict',
    '--model',
    modelDir,
    '--image',
    path.join(dataDir, 'D', '11_1_D_CC_R.png'),
    '--out',
    out.replace('ccr', 'one'),
  ]);
  assert.equal(single.code, 0, single.stderr);
  const one = readPredictionFile(out.replace('ccr', 'one')).rows;
  const fifth = readPredictionFile(out).rows[4];
  assert.equal(one.length, 1);
  one[0].forEach((v, j) => assert.ok(Math.abs(v - fifth[j]) < 1e-5, `${v} vs ${fifth[j]}`));
});

test('fastModelForward (folded BatchNorm) gives the probabilities of model.predict, no leak', async () => {
  const model = createDensityModel({ inputSize: 64, seed: 5 });
  // Non-trivial BatchNorm statistics so that folding matters.
  for (const w of model.weights) {
    if (/moving_(mean|variance)/.test(w.name)) {
      const v = tf.tidy(() => tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', 9));
      w.write(v);
      v.dispose();
    }
  }
  const x = tf.randomNormal([3, 64, 64, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
  const fast = fastModelForward(model);
  let got: number[][] = [];
  const leaked = await leakedTensors(async () => {
    const y = fast.forward(x);
    got = (await y.array()) as number[][];
    y.dispose();
  });
  assert.equal(leaked, 0);
  const want = tf.tidy(() => (model.predict(x) as tf.Tensor2D).arraySync());
  got.forEach((row, i) =>
    row.forEach((v, j) => assert.ok(Math.abs(v - want[i][j]) < 1e-4, `${v} vs ${want[i][j]}`)),
  );
  fast.dispose();
  x.dispose();
  model.dispose();
});
