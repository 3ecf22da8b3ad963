/**
 * Bounded resources over long runs (issue 10): predicting and mapping 500 images keeps the tensor
 * count flat (checked at every step, not only at the end) and resident memory stable once warm.
 * Small inputs (32×32 network input) keep it fast; the code paths are the CLI's defaults (fast
 * folded model for prediction, fast closed-form Grad-CAM on add_12, and autodiff Grad-CAM++).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { setupTf } from '../helpers/tf';
import { makeTmpDir } from '../helpers/tmp';
import { writeDataset } from '../helpers/fixtures';
import { createDensityModel } from '../../lib/model';
import type { ImageRef } from '../../lib/data/imageRef';
import { fastModelForward, predictItems } from '../../lib/predict';
import { createCam, type CamMethod } from '../../lib/cam';
import { createInferenceModel } from '../../lib/fast';
import { createOnnxEngine } from '../../lib/engine/createOnnxEngine';
import { engineForward } from '../../lib/predict/forwardFunction';

const N = 500;
const SIZE = 32;
const MB = 1024 * 1024;

/** N predict items cycling over four small PNGs of a fresh dataset folder. */
function predictItemsOnDisk(): ImageRef[] {
  const files = writeDataset(path.join(makeTmpDir(), 'data'), { A: 2, B: 2 }, 48);
  return Array.from({ length: N }, (_, i) => ({
    path: files[i % files.length],
    name: `img_${i}`,
    trueClass: null,
    subject: null,
    projection: null,
  }));
}

test(`predicting ${N} images: tensor count flat at every batch, RSS stable`, async () => {
  const tf = await setupTf();
  const items = predictItemsOnDisk();
  const model = createDensityModel({ inputSize: SIZE, seed: 3 });
  const { forward, dispose } = fastModelForward(model);
  const base = tf.memory().numTensors;
  const counts: number[] = [];
  const rss = new Map<number, number>();
  const result = await predictItems(items, forward, {
    inputSize: [SIZE, SIZE],
    batchSize: 4,
    progress: (s) => {
      counts.push(tf.memory().numTensors);
      if (s.done === 100 || s.done === N) rss.set(s.done, process.memoryUsage().rss);
    },
  });
  assert.equal(result.probabilities.length, N);
  assert.ok(counts.length >= N / 4, `progress reported ${counts.length} times`);
  assert.deepEqual([...new Set(counts)], [base], 'no tensor alive between batches');
  const grew = (rss.get(N) ?? NaN) - (rss.get(100) ?? NaN);
  assert.ok(grew < 64 * MB, `RSS grew by ${(grew / MB).toFixed(1)} MB from image 100 to ${N}`);
  dispose();
  model.dispose();
});

const camCases: { method: CamMethod; images: number }[] = [
  { method: 'gradcam', images: N },
  { method: 'gradcam++', images: 100 },
];
for (const c of camCases) {
  test(`${c.method} maps of ${c.images} images: tensor count flat, RSS stable`, async () => {
    const tf = await setupTf();
    const model = createDensityModel({ inputSize: SIZE, seed: 4 });
    const fast = createInferenceModel(model);
    const cam = createCam(model, c.method, { fast });
    const x = tf.randomNormal(
      [2, SIZE, SIZE, 3],
      0,
      1,
      'float32',
      5,
    ) as import('@tensorflow/tfjs').Tensor4D;
    const base = tf.memory().numTensors;
    const rss: number[] = [];
    for (let i = 0; i < c.images; i += 2) {
      const r = await cam.compute(x);
      assert.equal(r.maps.length, 2);
      assert.equal(tf.memory().numTensors, base, `tensors after ${i + 2} maps`);
      if (i + 2 === c.images / 5 || i + 2 === c.images) rss.push(process.memoryUsage().rss);
    }
    assert.ok(rss[1] - rss[0] < 64 * MB, `RSS grew by ${((rss[1] - rss[0]) / MB).toFixed(1)} MB`);
    x.dispose();
    fast.dispose();
    model.dispose();
  });
}

test(`ONNX Runtime engine: ${N} predictions and ${N} add_6 maps reuse one session each, no tensor or RSS growth`, async () => {
  const tf = await setupTf();
  const items = predictItemsOnDisk();
  const model = createDensityModel({ inputSize: SIZE, seed: 3 });
  const engine = await createOnnxEngine(model);
  const base = tf.memory().numTensors;
  const rss = new Map<number, number>();
  const result = await predictItems(items, engineForward(engine), {
    inputSize: [SIZE, SIZE],
    batchSize: 4,
    progress: (s) => {
      if (s.done === 100 || s.done === N) rss.set(s.done, process.memoryUsage().rss);
    },
  });
  assert.equal(result.probabilities.length, N);
  assert.equal(engine.openSessions, 1, 'one forward session for every batch');
  assert.equal(tf.memory().numTensors, base, 'no tensor left');
  const grew = (rss.get(N) ?? NaN) - (rss.get(100) ?? NaN);
  assert.ok(grew < 64 * MB, `RSS grew by ${(grew / MB).toFixed(1)} MB from image 100 to ${N}`);
  const cam = createCam(model, 'gradcam', { layer: 'add_6', engine });
  const x = tf.randomNormal(
    [2, SIZE, SIZE, 3],
    0,
    1,
    'float32',
    5,
  ) as import('@tensorflow/tfjs').Tensor4D;
  const camRss: number[] = [];
  for (let i = 0; i < N; i += 2) {
    const r = await cam.compute(x);
    assert.equal(r.maps.length, 2);
    assert.equal(tf.memory().numTensors, base + 1, `tensors after ${i + 2} maps`);
    if (i + 2 === N / 5 || i + 2 === N) camRss.push(process.memoryUsage().rss);
  }
  assert.equal(engine.openSessions, 2, 'one more session, for the add_6 map graph');
  assert.ok(
    camRss[1] - camRss[0] < 64 * MB,
    `RSS grew by ${((camRss[1] - camRss[0]) / MB).toFixed(1)} MB over the maps`,
  );
  await engine.dispose();
  assert.equal(engine.openSessions, 0, 'dispose() releases every session');
  x.dispose();
  model.dispose();
});
