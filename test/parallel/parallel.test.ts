import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { setupTf } from '../helpers/tf';
import { createDensityModel } from '../../lib/model';
import {
  createImageWorkerPool,
  createWorkerPool,
  defaultWorkerCount,
  deserializeModel,
  mapImagesInWorkers,
  serializeModel,
  type ImageItem,
  type ImagePrediction,
} from '../../lib/parallel';
import { InputError } from '../../lib/errors';
import * as fs from 'fs';
import { spawnSync } from 'child_process';
import { encodePng } from '../../lib/io/png';
import { fastModelForward } from '../../lib/predict/forwardFunction';
import type { ImageRef } from '../../lib/data/imageRef';
import { predictItems } from '../../lib/predict/predictItems';
import { predictItemsInWorkers } from '../../lib/workflows/predictItemsInWorkers';
import { createCam } from '../../lib/cam';
import { loadImage } from '../../lib/data/loadImage';
import { preprocessForNetwork } from '../../lib/data/preprocessForNetwork';
import { makeTmpDir } from '../helpers/tmp';

const SIZE = 64;

function images(n: number): ImageItem[] {
  return Array.from({ length: n }, (_, i) => ({
    data: tf.tidy(
      () =>
        tf
          .randomNormal([SIZE, SIZE, 3], i * 0.2, 1 + i * 0.1, 'float32', 100 + i)
          .dataSync() as Float32Array,
    ),
    shape: [SIZE, SIZE, 3] as [number, number, 3],
  }));
}

test('serializeModel/deserializeModel round-trip keeps the predictions', async () => {
  await setupTf();
  const model = createDensityModel({ inputSize: SIZE, seed: 4 });
  const copy = await deserializeModel(await serializeModel(model));
  const x = tf.randomNormal([2, SIZE, SIZE, 3], 0, 1, 'float32', 3);
  const a = (model.predict(x) as tf.Tensor).dataSync();
  const b = (copy.predict(x) as tf.Tensor).dataSync();
  assert.deepEqual(Array.from(b), Array.from(a));
  tf.dispose([x]);
  copy.dispose();
  model.dispose();
});

test('mapImagesInWorkers: 2 workers give the single-worker results, in input order', async () => {
  await setupTf();
  const model = createDensityModel({ inputSize: SIZE, seed: 2 });
  const items = images(7);
  const single = await mapImagesInWorkers<ImageItem, ImagePrediction>(model, items, { workers: 1 });
  const seen: number[] = [];
  const multi = await mapImagesInWorkers<ImageItem, ImagePrediction>(model, items, {
    workers: 2,
    onResult: (i) => seen.push(i),
  });
  assert.equal(multi.length, 7);
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6],
  );
  for (let i = 0; i < items.length; i++) {
    assert.deepEqual(
      Array.from(multi[i].probabilities),
      Array.from(single[i].probabilities),
      `image ${i}`,
    );
    assert.deepEqual(Array.from(multi[i].logits), Array.from(single[i].logits), `image ${i}`);
  }
  // And both equal the plain Layers model within float tolerance.
  const x = tf.tensor4d(items[3].data, [1, SIZE, SIZE, 3]);
  const plain = (model.predict(x) as tf.Tensor).dataSync();
  const diff = Math.max(
    ...Array.from(plain).map((p, k) => Math.abs(p - multi[3].probabilities[k])),
  );
  assert.ok(diff < 1e-4, `workers vs plain model differ by ${diff}`);
  // Distinct images give distinct outputs (the order check above is meaningful).
  assert.notDeepEqual(Array.from(multi[0].logits), Array.from(multi[1].logits));
  x.dispose();
  model.dispose();
});

test('mapImagesInWorkers: an item error rejects with that error and stops every worker', async () => {
  await setupTf();
  const model = createDensityModel({ inputSize: SIZE, seed: 2 });
  const items = images(4);
  items[2] = { data: new Float32Array(10), shape: [SIZE, SIZE, 3], name: 'bad.png' };
  const pool = await createImageWorkerPool<ImageItem, ImagePrediction>(model, { workers: 2 });
  const err = await pool.map(items).then(
    () => null,
    (e: unknown) => e,
  );
  // InputError keeps its class across the thread boundary (CLI exit code 2).
  assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
  assert.equal(err.message, 'bad.png: expected 64×64×3 = 12288 values, got 10');
  // The pool is closed after an error: no worker is left running.
  await assert.rejects(pool.map(items.slice(0, 1)), /closed/);
  model.dispose();
});

test('createWorkerPool: start-up errors reject; bad worker counts are usage errors', async () => {
  const entry = path.join(__dirname, '..', '..', 'lib', 'parallel', 'imageWorker.ts');
  await assert.rejects(
    createWorkerPool({ modulePath: entry, exportName: 'noSuchExport', init: null }, { workers: 1 }),
    /worker 0 failed to start: .*exports no function "noSuchExport"/,
  );
  await assert.rejects(
    createWorkerPool({ modulePath: entry, exportName: 'x', init: null }, { workers: 0 }),
    /--workers: expected a whole number of at least 1, got 0/,
  );
  assert.ok(defaultWorkerCount() >= 1);
});

test('predictItemsInWorkers: same rows and records as predictItems on the fast model, in order', async () => {
  await setupTf();
  const model = createDensityModel({ inputSize: SIZE, seed: 6 });
  const dir = makeTmpDir();
  const items: ImageRef[] = Array.from({ length: 5 }, (_, i) => {
    const w = 80 + 7 * i;
    const h = 90 + 5 * i;
    const data = new Uint8Array(w * h).map((_, k) => (k * (i + 3) + (k % w) * 7) % 256);
    const file = path.join(dir, `img${i}.png`);
    fs.writeFileSync(file, encodePng({ width: w, height: h, channels: 1, bitDepth: 8, data }));
    return { path: file, name: `img${i}.png`, trueClass: null, subject: null, projection: null };
  });
  const options = {
    inputSize: [SIZE, SIZE] as [number, number],
    batchSize: 4,
    progress: 'silent' as const,
  };
  const fast = fastModelForward(model);
  const ref = await predictItems(items, fast.forward, options);
  fast.dispose();
  const multi = await predictItemsInWorkers(items, model, { ...options, workers: 2 });
  assert.deepEqual(
    multi.records.map((r) => r.file),
    items.map((it) => it.name),
  );
  for (let i = 0; i < items.length; i++) {
    const d = Math.max(
      ...ref.probabilities[i].map((p, k) => Math.abs(p - multi.probabilities[i][k])),
    );
    assert.ok(d < 1e-6, `row ${i} differs by ${d}`);
    assert.equal(multi.records[i].predictedClass, ref.records[i].predictedClass);
  }
  // A broken file stops the run with an InputError naming it.
  const bad = path.join(dir, 'broken.png');
  fs.writeFileSync(bad, Buffer.from('not a png'));
  const withBad = [...items, { ...items[0], path: bad, name: 'broken.png' }];
  await assert.rejects(
    predictItemsInWorkers(withBad, model, { ...options, workers: 2 }),
    (e: unknown) => e instanceof InputError && /broken\.png/.test(e.message),
  );
  model.dispose();
});

test('Ctrl-C during a worker map stops every worker and ends the process by SIGINT', () => {
  const root = path.join(__dirname, '..', '..');
  const code = `
    const tf = require('@tensorflow/tfjs');
    const { initBackend } = require('./lib/backend/initBackend.ts');
    const { createDensityModel } = require('./lib/model/createDensityModel.ts');
    const { mapImagesInWorkers } = require('./lib/parallel/mapImagesInWorkers.ts');
    (async () => {
      await initBackend({ report: null });
      const model = createDensityModel({ inputSize: 64, seed: 1 });
      const data = tf.randomNormal([64, 64, 3]).dataSync();
      const items = Array.from({ length: 2000 }, () => ({ data, shape: [64, 64, 3] }));
      let n = 0;
      await mapImagesInWorkers(model, items, {
        workers: 2,
        onResult: () => { if (++n === 3) process.kill(process.pid, 'SIGINT'); },
      });
      process.stdout.write('finished without interruption');
    })();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.signal, 'SIGINT', `status ${r.status} stderr ${r.stderr.slice(0, 300)}`);
  assert.doesNotMatch(r.stdout, /finished/);
});
