/**
 * The training rules' convolution gradients (`TRAINING_VJP_RULES.Conv`) on one-convolution
 * graphs, run by ONNX Runtime, against a direct loop over the definition
 * dW[o, i, ky, kx] = Σ_{n,y,x} dY[n, o, y, x] · Xpad[n, i, s_y·y + ky, s_x·x + kx], db = Σ dY,
 * and dX[n, i, s_y·y + ky − t, s_x·x + kx − l] += dY[n, o, y, x] · W[o, i, ky, kx] (the data
 * gradient: at stride 1 a convolution with the flipped, channel-swapped kernel, otherwise a
 * transposed convolution).
 * The table covers every tap path of the rule: stride 1 (contiguous spans of the input, or of the
 * input by rows and of dY by columns; the data gradient's kernel flip on square and oblong
 * kernels), equal strides (stride phases by `SpaceToDepth`, even
 * and odd sizes, kernels larger and smaller than the stride; a strided 1×1 kernel subsampled by
 * `MaxPool`; with up to 8 input channels the taps stacked into one product, with more one product
 * per tap) and, through the strided slices, unequal strides and a stride-4 kernel whose phase
 * grid would crop the input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { appendGradientGraph } from '../../lib/onnx/appendGradientGraph';
import type { DescribedGraph } from '../../lib/onnx/describeDensityNetwork';
import { encodeOnnxModel } from '../../lib/onnx/encodeOnnxModel';
import { intAttr, intsAttr } from '../../lib/onnx/onnxGraph';
import { TRAINING_VJP_RULES } from '../../lib/onnx/trainingVjpRules';
import { createRng } from '../../lib/data/createRng';

/** Deterministic uniform(−1, 1) values. */
function randomValues(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

interface Case {
  name: string;
  n: number;
  cin: number;
  cout: number;
  h: number;
  w: number;
  k: [number, number];
  s: [number, number];
  /** ONNX pads [top, left, bottom, right]. */
  pads: [number, number, number, number];
}

// prettier-ignore
const TABLE: [string, number, number, number, number, number, [number, number], [number, number], [number, number, number, number]][] = [
  // name                          n cin cout  h   w  kernel   strides  pads t l b r
  ['3x3 s1 same',                  2, 3,  4,   7,  6, [3, 3], [1, 1], [1, 1, 1, 1]],
  ['1x1 s1',                       2, 4,  3,   5,  5, [1, 1], [1, 1], [0, 0, 0, 0]],
  ['2x3 s1, asymmetric pad',       2, 3,  2,   6,  7, [2, 3], [1, 1], [1, 0, 0, 2]],
  ['3x3 s1 same, 9 in (row and column spans)', 2, 9, 3, 5, 6, [3, 3], [1, 1], [1, 1, 1, 1]],
  ['3x3 s1 same, 9 in, 30 out (input spans)', 1, 9, 30, 5, 4, [3, 3], [1, 1], [1, 1, 1, 1]],
  ['3x3 s2 Keras same, 10 in',     2, 10, 4,   8,  7, [3, 3], [2, 2], [0, 1, 1, 1]],
  ['3x3 s2 Keras same, even',      2, 3,  5,   8,  8, [3, 3], [2, 2], [0, 0, 1, 1]],
  ['3x3 s2 Keras same, odd',       2, 4,  3,   9,  7, [3, 3], [2, 2], [1, 1, 1, 1]],
  ['1x1 s2 even (the shortcut)',   3, 4,  6,   8,  8, [1, 1], [2, 2], [0, 0, 0, 0]],
  ['1x1 s2 odd',                   2, 3,  2,   9,  7, [1, 1], [2, 2], [0, 0, 0, 0]],
  ['3x3 s2 valid',                 2, 3,  4,   9, 10, [3, 3], [2, 2], [0, 0, 0, 0]],
  ['2x2 s2',                       1, 3,  3,   8,  6, [2, 2], [2, 2], [0, 0, 0, 0]],
  ['5x5 s3 padded',                2, 2,  3,  11, 10, [5, 5], [3, 3], [2, 1, 2, 2]],
  ['2x3 kernel s2, asymmetric pad',1, 2,  2,   5,  6, [2, 3], [2, 2], [1, 0, 0, 1]],
  ['3x3 s4 valid (skips a row)',   2, 3,  2,   9, 10, [3, 3], [4, 4], [0, 0, 0, 0]],
  ['3x3 strides 2,1 (unequal)',    2, 3,  4,   8,  7, [3, 3], [2, 1], [0, 1, 1, 1]],
];
const CASES: Case[] = TABLE.map(([name, n, cin, cout, h, w, k, s, pads]) => ({
  name,
  n,
  cin,
  cout,
  h,
  w,
  k,
  s,
  pads,
}));

function outSize(c: Case): [number, number] {
  const [t, l, b, r] = c.pads;
  return [
    Math.floor((c.h + t + b - c.k[0]) / c.s[0]) + 1,
    Math.floor((c.w + l + r - c.k[1]) / c.s[1]) + 1,
  ];
}

/** dW, db and dX by the definition (float64 sums). */
function reference(
  c: Case,
  x: Float32Array,
  kernel: Float32Array,
  dy: Float32Array,
): { dw: number[]; db: number[]; dx: number[] } {
  const [ho, wo] = outSize(c);
  const [kh, kw] = c.k;
  const dw = new Array<number>(c.cout * c.cin * kh * kw).fill(0);
  const db = new Array<number>(c.cout).fill(0);
  const dx = new Array<number>(x.length).fill(0);
  for (let n = 0; n < c.n; n++)
    for (let o = 0; o < c.cout; o++)
      for (let y = 0; y < ho; y++)
        for (let xo = 0; xo < wo; xo++) {
          const g = dy[((n * c.cout + o) * ho + y) * wo + xo];
          db[o] += g;
          for (let i = 0; i < c.cin; i++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = c.s[0] * y + ky - c.pads[0];
                const ix = c.s[1] * xo + kx - c.pads[1];
                if (iy < 0 || ix < 0 || iy >= c.h || ix >= c.w) continue;
                const w = ((o * c.cin + i) * kh + ky) * kw + kx;
                const xi = ((n * c.cin + i) * c.h + iy) * c.w + ix;
                dw[w] += g * x[xi];
                dx[xi] += g * kernel[w];
              }
        }
  return { dw, db, dx };
}

/** A graph of one Conv with kernel and bias as inputs, and its backward pass. */
function gradientGraph(c: Case) {
  const [ho, wo] = outSize(c);
  const forward: DescribedGraph = {
    name: c.name,
    nodes: [
      {
        op: 'Conv',
        name: 'conv',
        inputs: ['x', 'conv/kernel', 'conv/bias'],
        outputs: ['y'],
        attributes: {
          kernel_shape: intsAttr(c.k),
          strides: intsAttr(c.s),
          pads: intsAttr(c.pads),
          dilations: intsAttr([1, 1]),
          group: intAttr(1),
        },
      },
    ],
    initializers: [],
    inputs: [
      { name: 'x', dtype: 'float32', shape: [c.n, c.cin, c.h, c.w] },
      { name: 'conv/kernel', dtype: 'float32', shape: [c.cout, c.cin, ...c.k] },
      { name: 'conv/bias', dtype: 'float32', shape: [c.cout] },
    ],
    outputs: [{ name: 'y', dtype: 'float32', shape: [c.n, c.cout, ho, wo] }],
    valueShapes: {
      x: [-1, c.cin, c.h, c.w],
      'conv/kernel': [c.cout, c.cin, ...c.k],
      'conv/bias': [c.cout],
      y: [-1, c.cout, ho, wo],
    },
  };
  return appendGradientGraph(forward, {
    seeds: { y: 'dy' },
    wrt: ['x', 'conv/kernel', 'conv/bias'],
    rules: TRAINING_VJP_RULES,
  });
}

for (const [index, c] of CASES.entries()) {
  test(`conv kernel, bias and data gradients equal the definition: ${c.name}`, async () => {
    const [ho, wo] = outSize(c);
    const { graph, gradients } = gradientGraph(c);
    const dW = gradients['conv/kernel'];
    const dB = gradients['conv/bias'];
    const dX = gradients.x;
    graph.outputs = [
      { name: dW, dtype: 'float32', shape: [c.cout, c.cin, ...c.k] },
      { name: dB, dtype: 'float32', shape: [c.cout] },
      { name: dX, dtype: 'float32', shape: [c.n, c.cin, c.h, c.w] },
    ];
    const x = randomValues(c.n * c.cin * c.h * c.w, 11 + index);
    const kernel = randomValues(c.cout * c.cin * c.k[0] * c.k[1], 23 + index);
    const dy = randomValues(c.n * c.cout * ho * wo, 37 + index);
    const session = await ort.InferenceSession.create(encodeOnnxModel(graph));
    try {
      const out = await session.run({
        x: new ort.Tensor('float32', x, [c.n, c.cin, c.h, c.w]),
        'conv/kernel': new ort.Tensor('float32', kernel, [c.cout, c.cin, ...c.k]),
        'conv/bias': new ort.Tensor('float32', new Float32Array(c.cout), [c.cout]),
        dy: new ort.Tensor('float32', dy, [c.n, c.cout, ho, wo]),
      });
      const want = reference(c, x, kernel, dy);
      for (const [label, got, ref] of [
        ['kernel', out[dW].data as Float32Array, want.dw],
        ['bias', out[dB].data as Float32Array, want.db],
        ['data', out[dX].data as Float32Array, want.dx],
      ] as const) {
        assert.equal(got.length, ref.length, `${label}: length`);
        const scale = Math.max(...ref.map(Math.abs));
        const worst = Math.max(...ref.map((v, i) => Math.abs(v - got[i])));
        assert.ok(worst <= 1e-5 * scale, `${label}: worst error ${worst} against a scale ${scale}`);
      }
    } finally {
      await session.release();
    }
  });
}
