import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupTf } from '../helpers/tf';
import { createDensityModel, LAST_ADD_LAYER } from '../../lib/model';
import {
  closedFormApplies,
  createInferenceModel,
  fastCamGradients,
  foldBatchNorm,
} from '../../lib/fast';
import { camGradients, createCam } from '../../lib/cam';
import { generatePhantom } from '../../lib/phantom/generatePhantom';
import { preprocessForNetwork } from '../../lib/data/preprocessForNetwork';

const SIZE = 64;

/** A density model with non-trivial BatchNorm statistics and biases (fresh ones are identities). */
function randomisedModel(seed: number, headActivation?: 'softmax' | 'linear'): tf.LayersModel {
  const model = createDensityModel({ inputSize: SIZE, seed, headActivation });
  let s = seed * 1000;
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (cls === 'BatchNormalization') {
      const [gamma, beta, mean, variance] = layer.getWeights();
      layer.setWeights([
        tf.randomUniform(gamma.shape, 0.5, 1.5, 'float32', s++),
        tf.randomNormal(beta.shape, 0, 0.2, 'float32', s++),
        tf.randomNormal(mean.shape, 0, 0.3, 'float32', s++),
        tf.randomUniform(variance.shape, 0.3, 2, 'float32', s++),
      ]);
    } else if (cls === 'Conv2D' || cls === 'Dense') {
      const [kernel, bias] = layer.getWeights();
      layer.setWeights([kernel, tf.randomNormal(bias.shape, 0, 0.1, 'float32', s++)]);
    }
  }
  return model;
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function subModelOutput(model: tf.LayersModel, layerName: string, x: tf.Tensor4D): tf.Tensor {
  const sub = tf.model({ inputs: model.inputs, outputs: model.getLayer(layerName).output });
  return sub.predict(x) as tf.Tensor;
}

test('foldBatchNorm: hand-computed case', () => {
  // 1×1 kernel, 2 inputs, 2 outputs: HWIO flattened with the output channel fastest.
  const kernel = new Float32Array([1, 2, 3, 4]); // w[in0,out0]=1, w[in0,out1]=2, w[in1,out0]=3, w[in1,out1]=4
  const bias = new Float32Array([0.5, -1]);
  const bn = {
    gamma: new Float32Array([2, 1]),
    beta: new Float32Array([0.1, 0.2]),
    movingMean: new Float32Array([1, -1]),
    movingVariance: new Float32Array([3, 0]),
    epsilon: 1,
  };
  const { kernel: k, bias: b } = foldBatchNorm(kernel, bias, bn);
  // s0 = 2/√4 = 1, s1 = 1/√1 = 1 … choose values giving distinct scales:
  const s = [2 / Math.sqrt(3 + 1), 1 / Math.sqrt(0 + 1)];
  assert.deepEqual(Array.from(k), [1 * s[0], 2 * s[1], 3 * s[0], 4 * s[1]].map(Math.fround));
  assert.deepEqual(Array.from(b), [(0.5 - 1) * s[0] + 0.1, (-1 + 1) * s[1] + 0.2].map(Math.fround));
  assert.throws(() => foldBatchNorm(kernel.slice(0, 3), bias, bn), /not a multiple of 2/);
});

test('fast model: probabilities, logits and add_12 equal the Layers model (random images)', async () => {
  await setupTf();
  const model = randomisedModel(3);
  const fast = createInferenceModel(model);
  assert.equal(fast.stats.foldedBatchNorms, 41);
  assert.equal(fast.stats.fusedActivations, 25);
  assert.deepEqual(fast.stats.fallbackLayers, []);
  assert.equal(fast.head.activation, 'leakyrelu:0.3');
  const cases: [string, number, number][] = [
    ['normal(0,1), batch 1', 1, 0],
    ['normal(0,1), batch 3', 3, 1],
    ['normal(2,3), batch 2', 2, 2],
  ];
  for (const [label, batch, seed] of cases) {
    const x = tf.tidy(
      () =>
        tf.randomNormal(
          [batch, SIZE, SIZE, 3],
          seed === 2 ? 2 : 0,
          seed === 2 ? 3 : 1,
          'float32',
          seed,
        ) as tf.Tensor4D,
    );
    const plain = model.predict(x) as tf.Tensor2D;
    const probs = fast.predict(x);
    assert.deepEqual(probs.shape, [batch, 4]);
    assert.ok(
      maxAbsDiff(plain, probs) < 1e-4,
      `${label}: probabilities differ by ${maxAbsDiff(plain, probs)}`,
    );
    const { activations, logits } = fast.activationsAndLogits(x, LAST_ADD_LAYER);
    const refAdd = subModelOutput(model, LAST_ADD_LAYER, x);
    const scale = tf.tidy(() => tf.max(tf.abs(refAdd)).dataSync()[0]);
    assert.deepEqual(activations.shape, refAdd.shape);
    assert.ok(maxAbsDiff(activations, refAdd) < 1e-4 * scale, `${label}: add_12 differs`);
    assert.ok(maxAbsDiff(tf.softmax(logits), plain) < 1e-4, `${label}: softmax(logits) differs`);
    const both = fast.predictWithLogits(x);
    assert.ok(maxAbsDiff(both.probabilities, plain) < 1e-4);
    assert.ok(maxAbsDiff(both.logits, logits) < 1e-5);
    tf.dispose([x, plain, probs, activations, logits, refAdd, both.probabilities, both.logits]);
  }
  fast.dispose();
  model.dispose();
});

test('fast model: any layer can be read, including one inside a fused conv+BN+LeakyReLU group', async () => {
  await setupTf();
  const model = randomisedModel(5);
  const fast = createInferenceModel(model);
  const x = tf.randomNormal([1, SIZE, SIZE, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
  for (const name of [
    'conv2d_3',
    'batch_normalization_7',
    'leaky_re_lu_10',
    'max_pooling2d_1',
    'add_4',
  ]) {
    const { activations, logits } = fast.activationsAndLogits(x, name);
    const ref = subModelOutput(model, name, x);
    const scale = tf.tidy(() => tf.max(tf.abs(ref)).dataSync()[0]);
    assert.ok(maxAbsDiff(activations, ref) < 1e-4 * scale, `${name} differs`);
    tf.dispose([activations, logits, ref]);
  }
  assert.throws(
    () => fast.activationsAndLogits(x, 'no_such_layer'),
    /no layer named "no_such_layer"/,
  );
  x.dispose();
  fast.dispose();
  model.dispose();
});

test('fast model: linear head gives logits as predictions', async () => {
  await setupTf();
  const model = randomisedModel(7, 'linear');
  const fast = createInferenceModel(model);
  const x = tf.randomNormal([2, SIZE, SIZE, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
  const plain = model.predict(x) as tf.Tensor;
  const p = fast.predict(x);
  const l = fast.logits(x);
  const scale = tf.tidy(() => tf.max(tf.abs(plain)).dataSync()[0]);
  assert.ok(maxAbsDiff(plain, p) < 1e-4 * Math.max(1, scale));
  assert.ok(maxAbsDiff(p, l) === 0);
  tf.dispose([x, plain, p, l]);
  fast.dispose();
  model.dispose();
});

test('fast model: memory does not grow over 50 predictions; dispose frees the folded weights', async () => {
  await setupTf();
  const model = randomisedModel(11);
  const beforeCreate = tf.memory().numTensors;
  const fast = createInferenceModel(model);
  const x = tf.randomNormal([1, SIZE, SIZE, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
  // First calls build the per-layer plans; count from there.
  tf.dispose([fast.predict(x), ...Object.values(fast.activationsAndLogits(x, LAST_ADD_LAYER))]);
  const tensors = tf.memory().numTensors;
  const bytes = tf.memory().numBytes;
  for (let i = 0; i < 50; i++) {
    fast.predict(x).dispose();
    const r = fast.activationsAndLogits(x, LAST_ADD_LAYER);
    tf.dispose([r.activations, r.logits]);
    tf.dispose(Object.values(fast.predictWithLogits(x)));
  }
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(tf.memory().numBytes, bytes);
  x.dispose();
  fast.dispose();
  assert.equal(tf.memory().numTensors, beforeCreate);
  assert.throws(() => fast.predict(x), /disposed/);
  model.dispose();
});

test('fast model: rejects inputs of the wrong shape or dtype with a clear message', async () => {
  await setupTf();
  const model = createDensityModel({ inputSize: SIZE, seed: 1 });
  const fast = createInferenceModel(model);
  const gray = tf.zeros([1, SIZE, SIZE, 1]) as tf.Tensor4D;
  assert.throws(() => fast.predict(gray), /expected input \[batch, H, W, 3\], got \[1,64,64,1\]/);
  const ints = tf.zeros([1, SIZE, SIZE, 3], 'int32') as tf.Tensor4D;
  assert.throws(() => fast.predict(ints), /expected a float32 input, got int32/);
  tf.dispose([gray, ints]);
  fast.dispose();
  model.dispose();
});

test('fast Grad-CAM inputs on add_12 equal the autodiff ones; Grad-CAM maps use them by default', async () => {
  await setupTf();
  const model = randomisedModel(13);
  assert.equal(closedFormApplies(model, LAST_ADD_LAYER), true);
  assert.equal(closedFormApplies(model, 'add_11'), false);
  assert.equal(closedFormApplies(model, 'no_such_layer'), false);
  const x = tf.randomNormal([2, SIZE, SIZE, 3], 0, 1, 'float32', 21) as tf.Tensor4D;
  for (const targets of [undefined, [1, 3]] as const) {
    const before = tf.memory().numTensors;
    const ref = camGradients(model, x, LAST_ADD_LAYER, targets ? [...targets] : undefined);
    const got = fastCamGradients(model, x, LAST_ADD_LAYER, targets ? [...targets] : undefined);
    assert.deepEqual(got.targets, ref.targets);
    assert.deepEqual(got.predicted, ref.predicted);
    for (const k of ['activations', 'gradients', 'logits'] as const) {
      const scale = tf.tidy(() => tf.max(tf.abs(ref[k])).dataSync()[0]);
      const d = maxAbsDiff(got[k], ref[k]);
      assert.ok(d <= 1e-4 * scale, `${k}: differs by ${d} (scale ${scale})`);
    }
    tf.dispose([
      ref.activations,
      ref.gradients,
      ref.logits,
      got.activations,
      got.gradients,
      got.logits,
    ]);
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  }
  const maps = await createCam(model, 'gradcam').compute(x);
  const g = camGradients(model, x, LAST_ADD_LAYER);
  const w = tf.tidy(() => tf.mean(g.gradients, [1, 2]).arraySync() as number[][]);
  for (let b = 0; b < 2; b++) {
    const scale = Math.max(...w[b].map(Math.abs));
    const d = Math.max(...w[b].map((v, k) => Math.abs(v - maps.weights![b][k])));
    assert.ok(d <= 1e-4 * scale, `image ${b}: Grad-CAM weights differ by ${d}`);
  }
  tf.dispose([x, g.activations, g.gradients, g.logits]);
  model.dispose();
});

test('fast model on phantom mammograms: probabilities and Grad-CAM inputs equal the plain model', async () => {
  await setupTf();
  const model = randomisedModel(17);
  const fast = createInferenceModel(model);
  const cases: [string, 'CC_L' | 'MLO_R', number][] = [
    ['CC_L, 20 % dense', 'CC_L', 0.2],
    ['MLO_R, 70 % dense', 'MLO_R', 0.7],
  ];
  for (const [label, projection, denseFraction] of cases) {
    const ph = generatePhantom({ seed: 5, projection, denseFraction, width: 96, height: 160 });
    const x = tf.tidy(
      () => preprocessForNetwork(ph.image, [SIZE, SIZE]).expandDims(0) as tf.Tensor4D,
    );
    const plain = model.predict(x) as tf.Tensor2D;
    const probs = fast.predict(x);
    const d = maxAbsDiff(plain, probs);
    assert.ok(d < 1e-4, `${label}: probabilities differ by ${d}`);
    const ref = camGradients(model, x, LAST_ADD_LAYER);
    const got = fastCamGradients(model, x, LAST_ADD_LAYER, undefined, undefined, fast);
    const scale = tf.tidy(() => tf.max(tf.abs(ref.gradients)).dataSync()[0]);
    assert.ok(
      maxAbsDiff(got.gradients, ref.gradients) <= 1e-4 * scale,
      `${label}: gradients differ`,
    );
    tf.dispose([x, plain, probs, ref.activations, ref.gradients, ref.logits]);
    tf.dispose([got.activations, got.gradients, got.logits]);
  }
  fast.dispose();
  model.dispose();
});
