/**
 * The wasm training kernels (Conv2DBackpropFilter, Conv2DBackpropInput, the tile-free batch-norm
 * gradient) against the cpu backend's own gradients on random inputs: relative error ≤ 1e-4
 * (MaxPoolGrad: test/backend/maxPoolBackprop.test.ts).
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupTf } from '../helpers/tf';
import { conv2dBackpropFilterFromOps, registerWasmTrainingKernels } from '../../lib/train';

/** Deterministic uniform(−1, 1) values (mulberry32). */
function randomValues(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

interface ConvCase {
  name: string;
  batch: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
  k: number;
  stride: number;
  pad: 'same' | 'valid';
}

// prettier-ignore
const CONV_TABLE: [string, number, number, number, number, number, number, number, 'same' | 'valid'][] = [
  // name                     batch  h   w  cin cout k stride pad
  ['1x1 s1 same even',          2,   8,  8,  5,  7,  1, 1, 'same'],
  ['1x1 s2 same even',          2,   8,  8,  4,  6,  1, 2, 'same'],
  ['1x1 s2 same odd',           3,   9,  7,  4,  6,  1, 2, 'same'],
  ['3x3 s1 same odd',           2,   9,  9,  3,  5,  3, 1, 'same'],
  ['3x3 s1 same even',          3,  10,  6,  6,  4,  3, 1, 'same'],
  ['3x3 s2 same even',          2,  10, 10,  3,  8,  3, 2, 'same'],
  ['3x3 s2 same odd',           2,  11,  9,  5,  4,  3, 2, 'same'],
  ['3x3 s1 valid',              2,   8,  9,  4,  3,  3, 1, 'valid'],
  ['3x3 s2 valid odd',          2,   9, 10,  3,  5,  3, 2, 'valid'],
  ['2x2 s2 same even',          1,   8,  8,  3,  3,  2, 2, 'same'],
  ['2x2 s1 same (pad 0/1)',     2,   7,  8,  3,  4,  2, 1, 'same'],
  ['4x4 s1 same (pad 1/2)',     2,   9,  8,  3,  4,  4, 1, 'same'],
  ['stem-like 3x3 s2 same',     4,  32, 32,  3, 16,  3, 2, 'same'],
];
const CONV_CASES: ConvCase[] = CONV_TABLE.map(([name, batch, h, w, cin, cout, k, stride, pad]) => ({
  name,
  batch,
  h,
  w,
  cin,
  cout,
  k,
  stride,
  pad,
}));

/** Loss Σ conv(x, W) ⊙ R (R fixed random): its gradients are the backprop kernels applied to R. */
function convGrads(c: ConvCase, seed: number): { dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor4d(randomValues(c.batch * c.h * c.w * c.cin, seed), [
      c.batch,
      c.h,
      c.w,
      c.cin,
    ]);
    const wt = tf.tensor4d(randomValues(c.k * c.k * c.cin * c.cout, seed + 1), [
      c.k,
      c.k,
      c.cin,
      c.cout,
    ]);
    const outShape = tf.conv2d(x, wt, c.stride, c.pad).shape;
    const r = tf.tensor(
      randomValues(
        outShape.reduce((a, b) => a * b, 1),
        seed + 2,
      ),
      outShape,
    );
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), r)),
    )([x, wt]);
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function batchNormGrads(seed: number): Float32Array[] {
  return tf.tidy(() => {
    const shape: [number, number, number, number] = [3, 5, 4, 6];
    const x = tf.tensor4d(randomValues(3 * 5 * 4 * 6, seed), shape);
    const gamma = tf.tensor1d(randomValues(6, seed + 1));
    const beta = tf.tensor1d(randomValues(6, seed + 2));
    const r = tf.tensor4d(randomValues(3 * 5 * 4 * 6, seed + 3), shape);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, c, b, 1e-3), r));
    })([x, gamma, beta]);
    return g.map((t) => t.dataSync() as Float32Array);
  });
}

function relativeError(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

const reference = new Map<string, { dx: Float32Array; dw: Float32Array }>();
let bnReference: Float32Array[] = [];

before(async () => {
  await setupTf();
  // Reference: the cpu backend with TF.js's own kernels and gradients, before registration.
  await tf.setBackend('cpu');
  CONV_CASES.forEach((c, i) => reference.set(c.name, convGrads(c, 100 + 10 * i)));
  bnReference = batchNormGrads(7);
  await tf.setBackend('wasm');
  registerWasmTrainingKernels();
});

for (const [i, c] of CONV_CASES.entries()) {
  test(`wasm conv gradients match cpu: ${c.name}`, () => {
    assert.equal(tf.getBackend(), 'wasm');
    const ref = reference.get(c.name)!;
    const got = convGrads(c, 100 + 10 * i);
    const ew = relativeError(got.dw, ref.dw);
    const ex = relativeError(got.dx, ref.dx);
    assert.ok(ew <= 1e-4, `filter gradient relative error ${ew}`);
    assert.ok(ex <= 1e-4, `input gradient relative error ${ex}`);
  });
}

// Patch budgets (elements) that force the banded path: below one row (one row per band), about
// one row on most cases, and several rows per band with a shorter last band (e.g. 6 + 3 rows).
for (const budget of [1, 600, 3000]) {
  test(`banded filter gradient (patch budget ${budget}) matches cpu on every case`, () => {
    for (const [i, c] of CONV_CASES.entries()) {
      const seed = 100 + 10 * i;
      const dw = tf.tidy(() => {
        const x = tf.tensor4d(randomValues(c.batch * c.h * c.w * c.cin, seed), [
          c.batch,
          c.h,
          c.w,
          c.cin,
        ]);
        const probe = tf.conv2d(
          x,
          tf.zeros([c.k, c.k, c.cin, c.cout]) as tf.Tensor4D,
          c.stride,
          c.pad,
        );
        const dy = tf.tensor4d(
          randomValues(probe.size, seed + 2),
          probe.shape as [number, number, number, number],
        );
        const attrs = {
          strides: c.stride,
          pad: c.pad,
          dataFormat: 'NHWC' as const,
          filterShape: [c.k, c.k, c.cin, c.cout] as [number, number, number, number],
        };
        return conv2dBackpropFilterFromOps(x, dy, attrs, budget).dataSync() as Float32Array;
      });
      const e = relativeError(dw, reference.get(c.name)!.dw);
      assert.ok(e <= 1e-4, `${c.name}: filter gradient relative error ${e}`);
    }
  });
}

test('banded filter gradient leaks no tensors and refuses a bad budget', () => {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    const x = tf.ones([2, 9, 9, 3]) as tf.Tensor4D;
    const dy = tf.ones([2, 5, 5, 4]) as tf.Tensor4D;
    conv2dBackpropFilterFromOps(
      x,
      dy,
      { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 4] },
      50,
    );
  });
  assert.equal(tf.memory().numTensors, before);
  const x1 = tf.ones([1, 4, 4, 1]) as tf.Tensor4D;
  assert.throws(
    () =>
      conv2dBackpropFilterFromOps(
        x1,
        x1,
        { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 1, 1] },
        0,
      ),
    /expected a positive integer patch budget, got 0/,
  );
  x1.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('tile-free batch-norm gradient matches the cpu backend and TF.js gradient', () => {
  const got = batchNormGrads(7);
  assert.equal(got.length, 3);
  for (const [k, g] of got.entries()) {
    const e = relativeError(g, bnReference[k]);
    assert.ok(e <= 1e-4, `gradient ${k}: relative error ${e}`);
  }
});

test('registerWasmTrainingKernels is idempotent and leaks no tensors', () => {
  assert.deepEqual(registerWasmTrainingKernels(), []);
  const before = tf.memory().numTensors;
  convGrads(CONV_CASES[6], 1);
  assert.equal(tf.memory().numTensors, before);
});
