/**
 * lib/backend/maxPoolBackprop and registerWasmMaxPoolGrad: the max-pooling gradient against a
 * brute-force reference (TensorFlow's definition) and TF.js's cpu backend, through `tf.grad` on the
 * wasm backend with the replacement kernel; random, all-negative and tied inputs, `same` and
 * `valid`, strides 1 and 2, odd and even sizes. wasm's own kernel fails the all-negative, tied
 * and most padded cases.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupTf } from '../helpers/tf';
import { maxAbs, maxAbsDiff } from '../helpers/arrays';
import { createRng } from '../../lib/data/createRng';
import { maxPoolBackprop, registerWasmMaxPoolGrad } from '../../lib/backend';

// Inputs: uniform(−1, 1); all negative (uniform(−2, −1): wasm's own kernel sends every window's
// gradient to its first offset); ties (values rounded to {−1, 0, 1}: TensorFlow keeps the first
// maximum, wasm's own kernel the last).
// prettier-ignore
const POOL_TABLE: [string, number, number, number, number, number, number, 'same' | 'valid', 'random' | 'negative' | 'ties'][] = [
  // name                        batch  h   w  c  k stride pad     input
  ['3x3 s2 same even (stem)',      2,   8,  8, 3, 3, 2, 'same',  'random'],
  ['3x3 s2 same odd',              2,   9,  7, 2, 3, 2, 'same',  'random'],
  ['3x3 s1 same even',             1,   6,  8, 2, 3, 1, 'same',  'random'],
  ['2x2 s2 same odd (pad 0/1)',    2,   7,  7, 3, 2, 2, 'same',  'random'],
  ['2x2 s1 same (pad 0/1)',        1,   5,  6, 2, 2, 1, 'same',  'random'],
  ['3x3 s2 valid odd',             2,   9,  9, 2, 3, 2, 'valid', 'random'],
  ['3x3 s1 valid',                 1,   6,  5, 3, 3, 1, 'valid', 'random'],
  ['2x2 s2 valid even',            2,   8,  6, 2, 2, 2, 'valid', 'random'],
  ['3x3 s2 same, all negative',    2,   8,  9, 2, 3, 2, 'same',  'negative'],
  ['3x3 s2 valid, all negative',   1,   9,  9, 2, 3, 2, 'valid', 'negative'],
  ['3x3 s2 same, ties',            2,   8,  8, 2, 3, 2, 'same',  'ties'],
  ['2x2 s1 valid, ties',           1,   6,  6, 3, 2, 1, 'valid', 'ties'],
];

/** One max-pooling case: input x and upstream gradient r (random), and the output shape. */
function poolInputs(i: number): {
  shape: number[];
  x: Float32Array;
  r: Float32Array;
  out: number[];
} {
  const [, batch, h, w, c, k, stride, pad, kind] = POOL_TABLE[i];
  const outOf = (n: number) =>
    pad === 'same' ? Math.ceil(n / stride) : Math.floor((n - k) / stride) + 1;
  const out = [batch, outOf(h), outOf(w), c];
  const rng = createRng(`maxpool:${i}`);
  const u = Array.from({ length: batch * h * w * c }, () => rng.uniform(-1, 1));
  const x = Float32Array.from(u, (v) =>
    kind === 'negative' ? v / 2 - 1.5 : kind === 'ties' ? Math.round(v) : v,
  );
  const r = Float32Array.from({ length: out.reduce((a, b) => a * b, 1) }, () => rng.uniform(-1, 1));
  return { shape: [batch, h, w, c], x, r, out };
}

function poolGrad(i: number): Float32Array {
  const [, , , , , k, stride, pad] = POOL_TABLE[i];
  const { shape, x, r, out } = poolInputs(i);
  return tf.tidy(() => {
    const rt = tf.tensor(r, out);
    const g = tf.grad((a: tf.Tensor) =>
      tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, k, stride, pad), rt)),
    );
    return g(tf.tensor(x, shape)).dataSync() as Float32Array;
  });
}

/**
 * Brute force, TensorFlow's definition: every output routes its gradient to the first maximum of
 * its window (row-major), `same` padding with the smaller half on top/left.
 */
function bruteForcePoolGrad(i: number): Float32Array {
  const [, , h, w, c, k, stride, pad] = POOL_TABLE[i];
  const { shape, x, r, out } = poolInputs(i);
  const padOf = (n: number, o: number) =>
    pad === 'same' ? Math.floor(Math.max((o - 1) * stride + k - n, 0) / 2) : 0;
  const [top, left] = [padOf(h, out[1]), padOf(w, out[2])];
  const dx = new Float32Array(x.length);
  const at = (b: number, y: number, xx: number, ch: number) => ((b * h + y) * w + xx) * c + ch;
  let j = 0;
  for (let b = 0; b < shape[0]; b++)
    for (let p = 0; p < out[1]; p++)
      for (let q = 0; q < out[2]; q++)
        for (let ch = 0; ch < c; ch++, j++) {
          let best = -1;
          for (let u = 0; u < k; u++)
            for (let v = 0; v < k; v++) {
              const [y, xx] = [p * stride + u - top, q * stride + v - left];
              if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
              if (best < 0 || x[at(b, y, xx, ch)] > x[best]) best = at(b, y, xx, ch);
            }
          dx[best] += r[j];
        }
  return dx;
}

/** max |a − b| / max |b|. */
const relativeError = (a: Float32Array, b: Float32Array) => maxAbsDiff(a, b) / maxAbs(b);

let cpuReference: Float32Array[] = [];

before(async () => {
  await setupTf();
  await tf.setBackend('cpu');
  cpuReference = POOL_TABLE.map((_, i) => poolGrad(i));
  await tf.setBackend('wasm');
});

for (const [i, [name]] of POOL_TABLE.entries()) {
  test(`max-pooling gradient on wasm = cpu backend = brute force: ${name}`, () => {
    assert.equal(tf.getBackend(), 'wasm');
    const brute = bruteForcePoolGrad(i);
    const cpu = relativeError(cpuReference[i], brute);
    const wasm = relativeError(poolGrad(i), brute);
    assert.ok(cpu <= 1e-6, `cpu backend against brute force: relative error ${cpu}`);
    assert.ok(wasm <= 1e-6, `wasm (registered kernel) against brute force: relative error ${wasm}`);
  });
}

test('maxPoolBackprop refuses a dy of the wrong shape; registration is idempotent and leak-free', () => {
  const x = tf.zeros([1, 6, 6, 2]) as tf.Tensor4D;
  const dy = tf.zeros([1, 2, 2, 2]) as tf.Tensor4D;
  assert.throws(
    () => maxPoolBackprop(dy, x, { filterSize: 3, strides: 2, pad: 'same' }),
    /expected dy of \[1, 3, 3, 2\], got \[1,2,2,2\]/,
  );
  tf.dispose([x, dy]);
  assert.equal(registerWasmMaxPoolGrad(), false, 'already registered by initBackend');
  const before = tf.memory().numTensors;
  poolGrad(0);
  assert.equal(tf.memory().numTensors, before);
});
