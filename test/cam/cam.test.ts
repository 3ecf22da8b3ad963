import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InferenceModel } from '../../lib/fast/createInferenceModel';
import type { CamOptions } from '../../lib/cam/camTypes';
import { createOnnxEngine } from '../../lib/engine/createOnnxEngine';
import type * as TF from '@tensorflow/tfjs';
import { maxAbs, maxAbsDiff } from '../helpers/arrays';
import { setupTf, leakedTensors } from '../helpers/tf';
import { createDensityModel, KERAS_DEFAULTS } from '../../lib/model';
import {
  camGradients,
  createCam,
  gradCamLastAddClosedForm,
  listCamLayers,
  normalizeMaps,
  readLastAddHead,
  resolveCamTargets,
  forwardWithProbe,
} from '../../lib/cam';

const SIZE = 64;

/** Every map test runs on both engines: the TF.js path and ONNX Runtime (the default). */
const ENGINES = ['tfjs', 'onnx'] as const;

/**
 * CAM options for an engine: `{}` is the TF.js path, `{ engine }` ONNX Runtime. Create it after
 * any weight change (the ONNX engine copies the weights); `done()` disposes it.
 */
async function engineOptions(
  kind: (typeof ENGINES)[number],
  model: TF.LayersModel,
): Promise<{ opts: CamOptions; done: () => Promise<void> }> {
  if (kind === 'tfjs') return { opts: {}, done: async () => undefined };
  const engine = await createOnnxEngine(model);
  return { opts: { engine }, done: () => engine.dispose() };
}

/** A random 64×64 model with non-trivial BatchNorm statistics, and a batch of two images. */
async function fixture(seed = 3): Promise<{
  tf: typeof TF;
  model: TF.LayersModel;
  x: TF.Tensor4D;
}> {
  const tf = await setupTf();
  const model = createDensityModel({ inputSize: SIZE, seed });
  // Random BN moving statistics so that activations of add_12 have both signs and varied scale.
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const ws = layer.getWeights();
    const n = ws[0].shape[0];
    const fresh = [
      tf.randomUniform([n], 0.5, 1.5, 'float32', seed), // gamma
      tf.randomUniform([n], -0.2, 0.2, 'float32', seed + 1), // beta
      tf.randomUniform([n], -0.1, 0.1, 'float32', seed + 2), // moving mean
      tf.randomUniform([n], 0.5, 2, 'float32', seed + 3), // moving variance
    ];
    layer.setWeights(fresh);
    tf.dispose(fresh);
  }
  const x = tf.randomNormal([2, SIZE, SIZE, 3], 0, 0.3, 'float32', seed) as TF.Tensor4D;
  return { tf, model, x };
}

for (const kind of ENGINES) {
  test(`Grad-CAM gradients on add_12 equal the closed form W_kc·LeakyReLU′(A)/(h·w) [${kind}]`, async () => {
    const { tf, model, x } = await fixture();
    const { opts, done } = await engineOptions(kind, model);
    const cases: { targets: number[]; name: string }[] = [
      { targets: [1, 3], name: 'classes B and D' },
      { targets: [0, 0], name: 'class A for both' },
      { targets: [2, 1], name: 'classes C and B' },
    ];
    for (const c of cases) {
      const g = camGradients(model, x, 'add_12', c.targets);
      const cf = gradCamLastAddClosedForm(model, g.activations, c.targets);
      const [, h, w, k] = g.activations.shape;
      assert.deepEqual([h, w, k], [2, 2, 256], 'add_12 is 2×2×256 at 64×64');
      const auto = g.gradients.dataSync();
      const closed = cf.gradients.dataSync();
      const scale = maxAbs(closed);
      assert.ok(scale > 0, 'non-zero gradients');
      assert.ok(
        maxAbsDiff(auto, closed) <= 1e-5 * scale,
        `${c.name}: max |autodiff − closed form| = ${maxAbsDiff(auto, closed)} (scale ${scale})`,
      );
      // Both slopes of the LeakyReLU occur, so the test exercises the derivative.
      const a = g.activations.dataSync();
      assert.ok(a.some((v) => v > 0) && a.some((v) => v < 0), 'activations of both signs');
      // The autodiff logits are the pre-softmax scores the closed form computes from A alone.
      assert.ok(maxAbsDiff(g.logits.dataSync(), cf.logits.dataSync()) < 1e-4);
      // Grad-CAM weights = spatial mean of the gradients = closed-form weights.
      const cam = await createCam(model, 'gradcam', opts).compute(x, c.targets);
      assert.deepEqual(cam.targets, c.targets);
      const wClosed = cf.weights.arraySync();
      for (let b = 0; b < 2; b++) {
        const wScale = maxAbs(wClosed[b]);
        assert.ok(
          maxAbsDiff(cam.weights![b], wClosed[b]) <= 1e-5 * wScale,
          `${c.name}: image ${b} weights differ by ${maxAbsDiff(cam.weights![b], wClosed[b])}`,
        );
      }
      tf.dispose([g.activations, g.gradients, g.logits, cf.gradients, cf.weights, cf.logits]);
    }
    const head = readLastAddHead(model);
    assert.equal(head.alpha, KERAS_DEFAULTS.leakyAlpha);
    await done();
    model.dispose();
    x.dispose();
  });
}

for (const kind of ENGINES) {
  test(`the linear head gives the logits of the same network built with a linear output [${kind}]`, async () => {
    const tf = await setupTf();
    const soft = createDensityModel({ inputSize: SIZE, seed: 11 });
    const lin = createDensityModel({ inputSize: SIZE, seed: 11, headActivation: 'linear' });
    const x = tf.randomNormal([2, SIZE, SIZE, 3], 0, 0.3, 'float32', 5) as TF.Tensor4D;
    const { opts, done } = await engineOptions(kind, soft);
    const viaProbe = tf.tidy(() => forwardWithProbe(soft, x, 'add_12').logits.dataSync());
    const reference = tf.tidy(() => (lin.predict(x) as TF.Tensor).dataSync());
    assert.ok(
      maxAbsDiff(viaProbe, reference) < 1e-5,
      `logits differ by ${maxAbsDiff(viaProbe, reference)}`,
    );
    const probs = (await createCam(soft, 'gradcam', opts).compute(x)).probabilities;
    const softOut = tf.tidy(() => (soft.predict(x) as TF.Tensor).arraySync() as number[][]);
    assert.ok(
      maxAbsDiff(probs.flat(), softOut.flat()) < 1e-5,
      'probabilities are the softmax output',
    );
    x.dispose();
    await done();
    soft.dispose();
    lin.dispose();
  });
}

for (const kind of ENGINES) {
  test(`maps: shape, range [0,1], predicted target by default, negative map, no tensor leaks [${kind}]`, async () => {
    const { tf, model, x } = await fixture(7);
    const { opts, done } = await engineOptions(kind, model);
    const predicted = tf.tidy(() =>
      Array.from(tf.argMax(model.predict(x) as TF.Tensor, 1).dataSync()),
    );
    for (const method of ['gradcam', 'gradcam++', 'saliency'] as const) {
      const cam = createCam(model, method, opts);
      let result = await cam.compute(x);
      const leaked = await leakedTensors(async () => {
        result = await cam.compute(x, ['predicted', 'C']);
      });
      assert.equal(leaked, 0, `${method} leaked ${leaked} tensors`);
      assert.deepEqual(result.targets, [predicted[0], 2], `${method}: per-image targets`);
      assert.deepEqual(result.predicted, predicted);
      assert.deepEqual(result.size, [SIZE, SIZE]);
      for (let b = 0; b < 2; b++) {
        const m = result.maps[b];
        assert.equal(m.length, SIZE * SIZE);
        let lo = Infinity;
        let hi = -Infinity;
        for (const v of m) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        if (result.empty[b]) {
          assert.equal(hi, 0, `${method}: flagged map is zero`);
        } else {
          assert.ok(lo >= 0 && lo < 1e-6, `${method}: min ${lo}`);
          assert.ok(hi > 0.999 && hi <= 1, `${method}: max ${hi}`);
        }
        assert.equal(result.negativeMaps[b].length, SIZE * SIZE);
      }
      assert.equal(result.weights === null, method === 'saliency');
    }
    // Grad-CAM: positive and negative maps come from the two signs of the same signed sum.
    const r = await createCam(model, 'gradcam', opts).compute(x, [0, 1]);
    const signed = r.signedLowRes[0];
    assert.equal(r.empty[0], !signed.some((v) => v > 0));
    assert.equal(r.negativeEmpty[0], !signed.some((v) => v < 0));
    await done();
    model.dispose();
    x.dispose();
  });
}

for (const kind of ENGINES) {
  test(`Grad-CAM++ weights follow Chattopadhay et al. eq. 19 (checked in plain arithmetic) [${kind}]`, async () => {
    const { tf, model, x } = await fixture(5);
    const { opts, done } = await engineOptions(kind, model);
    const g = camGradients(model, x, 'add_12', [2, 2]);
    const [b, h, w, k] = g.activations.shape;
    const A = g.activations.dataSync();
    const G = g.gradients.dataSync();
    const cam = await createCam(model, 'gradcam++', opts).compute(x, [2, 2]);
    for (let n = 0; n < b; n++) {
      const expected = new Float64Array(k);
      for (let c = 0; c < k; c++) {
        let sumA = 0;
        for (let p = 0; p < h * w; p++) sumA += A[(n * h * w + p) * k + c];
        for (let p = 0; p < h * w; p++) {
          const gv = G[(n * h * w + p) * k + c];
          if (gv === 0) continue;
          const alpha = (gv * gv) / (2 * gv * gv + sumA * gv * gv * gv + 1e-6);
          expected[c] += alpha * Math.max(gv, 0);
        }
      }
      const scale = maxAbs(expected);
      assert.ok(scale > 0);
      assert.ok(maxAbsDiff(cam.weights![n], expected) <= 1e-4 * scale, 'Grad-CAM++ weights');
    }
    tf.dispose([g.activations, g.gradients, g.logits]);
    await done();
    model.dispose();
    x.dispose();
  });
}

test('saliency is |∂y_c/∂x| (finite differences at a few pixels)', async () => {
  const { tf, model } = await fixture(9);
  const x = tf.randomNormal([1, SIZE, SIZE, 3], 0, 0.3, 'float32', 2) as TF.Tensor4D;
  const g = camGradients(model, x, 'input_1', [1]);
  const grads = g.gradients.dataSync();
  const score = (t: TF.Tensor4D): number =>
    tf.tidy(() => forwardWithProbe(model, t, 'input_1').logits.dataSync()[1]);
  const base = x.dataSync();
  // The pixels with the largest gradients, so that the finite difference is well above noise.
  const order = Array.from(grads.keys()).sort((a, b) => Math.abs(grads[b]) - Math.abs(grads[a]));
  for (const i of order.slice(0, 3)) {
    const eps = 1e-3;
    const plus = base.slice();
    const minus = base.slice();
    plus[i] += eps;
    minus[i] -= eps;
    const tp = tf.tensor4d(plus, x.shape);
    const tm = tf.tensor4d(minus, x.shape);
    const fd = (score(tp) - score(tm)) / (2 * eps);
    tf.dispose([tp, tm]);
    assert.ok(
      Math.abs(fd - grads[i]) <= 0.05 * Math.abs(grads[i]) + 1e-4,
      `pixel ${i}: finite difference ${fd}, autodiff ${grads[i]}`,
    );
  }
  tf.dispose([g.activations, g.gradients, g.logits, x]);
  model.dispose();
});

for (const kind of ENGINES) {
  test(`a map the ReLU removes entirely is flagged, not divided by zero [${kind}]`, async () => {
    const { tf, model, x } = await fixture(4);
    // Zero classifier kernel: every gradient and weight is 0, so the map is identically zero.
    const dense = model.getLayer('dense_1');
    const [kernel, bias] = dense.getWeights();
    const zero = tf.zerosLike(kernel);
    dense.setWeights([zero, bias]);
    const { opts, done } = await engineOptions(kind, model);
    const r = await createCam(model, 'gradcam', opts).compute(x);
    assert.deepEqual(r.empty, [true, true]);
    for (const m of r.maps)
      assert.ok(
        m.every((v) => v === 0),
        'all zeros, no NaN',
      );
    const z = tf.zeros([1, 3, 3]) as TF.Tensor3D;
    const n = normalizeMaps(z, [6, 6]);
    assert.deepEqual(n.empty, [true]);
    assert.ok(n.maps.dataSync().every((v) => v === 0));
    tf.dispose([zero, z, n.maps, x]);
    await done();
    model.dispose();
  });
}

test('normalizeMaps: bilinear upsampling and keras-vis min-max scaling', async () => {
  const tf = await setupTf();
  const low = tf.tensor3d([0, 1, 2, 3], [1, 2, 2]);
  const { maps, empty } = normalizeMaps(low, [4, 4]);
  assert.deepEqual(empty, [false]);
  const v = maps.dataSync();
  // Half-pixel bilinear 2×2 → 4×4: corner pixels keep the corner values (0 and 3).
  assert.ok(Math.abs(v[0] - 0) < 1e-6 && Math.abs(v[15] - 1) < 1e-6);
  // Pixel (row 0, col 1) samples x = 0.25 between 0 and 1 → 0.25/3 after scaling by the range 3.
  assert.ok(Math.abs(v[1] - 0.25 / 3) < 1e-5, `got ${v[1]}`);
  const byMax = normalizeMaps(tf.tensor3d([1, 1, 1, 1], [1, 2, 2]), [2, 2], 'max');
  assert.ok(
    byMax.maps.dataSync().every((x) => Math.abs(x - 1) < 1e-6),
    'max keeps a flat map at 1',
  );
  tf.dispose([low, maps, byMax.maps]);
});

test('targets: predicted, index, name, one per image; clear errors', () => {
  const ok: [Parameters<typeof resolveCamTargets>[0], number[]][] = [
    [undefined, [2, 0]],
    ['predicted', [2, 0]],
    [3, [3, 3]],
    ['B', [1, 1]],
    [
      ['A', 'predicted'],
      [0, 0],
    ],
    [
      [1, 'D'],
      [1, 3],
    ],
  ];
  for (const [t, want] of ok) assert.deepEqual(resolveCamTargets(t, [2, 0]), want);
  const bad: [Parameters<typeof resolveCamTargets>[0], RegExp][] = [
    ['E', /one of A, B, C, D, got "E"/],
    [7, /0…3, got 7/],
    [['A'], /expected 2 targets/],
  ];
  for (const [t, re] of bad) assert.throws(() => resolveCamTargets(t, [2, 0]), re);
});

test('listCamLayers: spatial layers in order, Add layers marked', async () => {
  await setupTf();
  const model = createDensityModel({ inputSize: SIZE, seed: 1 });
  const layers = listCamLayers(model);
  const adds = layers.filter((l) => l.moduleOutput).map((l) => l.name);
  assert.equal(adds.length, 12);
  assert.equal(adds[11], 'add_12');
  const last = layers.find((l) => l.name === 'add_12');
  assert.deepEqual(last?.outputShape, [2, 2, 256]);
  assert.ok(!layers.some((l) => ['input_1', 'dropout_1', 'dense_1'].includes(l.name)));
  assert.ok(layers.some((l) => l.name === 'conv2d_1'));
  assert.throws(() => createCam(model, 'gradcam', { layer: 'nope' }), /"nope" is not in the model/);
  model.dispose();
});

test("gradients: 'autodiff' gives the default (closed-form) maps on add_12; a bad value is refused", async () => {
  const { tf, model, x } = await fixture(11);
  for (const method of ['gradcam', 'gradcam++'] as const) {
    const fast = await createCam(model, method).compute(x, [1, 'D']);
    const exact = await createCam(model, method, { gradients: 'autodiff' }).compute(x, [1, 'D']);
    for (let b = 0; b < 2; b++) {
      const scale = Math.max(maxAbs(exact.signedLowRes[b]), 1e-12);
      const d = maxAbsDiff(fast.signedLowRes[b], exact.signedLowRes[b]) / scale;
      assert.ok(d <= 1e-4, `${method} image ${b}: relative difference ${d}`);
    }
  }
  // Routing: a fast model that fails when used shows which path ran.
  const trap = {
    activationsAndLogits: () => {
      throw new Error('fast path used');
    },
  } as unknown as InferenceModel;
  await assert.rejects(
    () => createCam(model, 'gradcam', { fast: trap }).compute(x),
    /fast path used/,
  );
  await createCam(model, 'gradcam', { fast: trap, gradients: 'autodiff' }).compute(x);
  assert.throws(
    () => createCam(model, 'gradcam', { gradients: 'numeric' as 'auto' }),
    /gradients: expected 'auto' or 'autodiff', got "numeric"/,
  );
  tf.dispose(x);
  model.dispose();
});
