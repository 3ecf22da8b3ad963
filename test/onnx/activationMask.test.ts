/**
 * The activation rules of `VJP_RULES` (LeakyRelu, Relu) on one-node graphs run by ONNX Runtime:
 * dX = dY where x > 0 and α·dY elsewhere, with TF's convention at 0 (the gradient there is α),
 * on a table of inputs from the extremes of float32 to signed zeros, and for slopes in [0, 1]
 * (the factor read from the output) and outside it (`Where` on the input).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { appendGradientGraph } from '../../lib/onnx/appendGradientGraph';
import type { DescribedGraph } from '../../lib/onnx/describeDensityNetwork';
import { encodeOnnxModel } from '../../lib/onnx/encodeOnnxModel';
import { floatAttr } from '../../lib/onnx/onnxGraph';

const SMALLEST_NORMAL = 2 ** -126;
// prettier-ignore
const INPUTS: [number, boolean][] = [
  // x                  positive
  [2.5,                 true],
  [1e-3,                true],
  [SMALLEST_NORMAL,     true],
  [3e38,                true],
  [0,                   false],
  [-0,                  false],
  [-SMALLEST_NORMAL,    false],
  [-1e-3,               false],
  [-3e38,               false],
];
const SUBNORMAL = 2 ** -140;
const SLOPES: [string, string, number][] = [
  ['LeakyRelu α = 0.3 (the network)', 'LeakyRelu', 0.3],
  ['Relu', 'Relu', 0],
  ['LeakyRelu α = 1', 'LeakyRelu', 1],
  ['LeakyRelu α = −0.5 (Where on the input)', 'LeakyRelu', -0.5],
  ['LeakyRelu α = 2 (Where on the input)', 'LeakyRelu', 2],
];

async function factors(op: string, alpha: number, x: Float32Array): Promise<Float32Array> {
  const forward: DescribedGraph = {
    name: 'activation',
    nodes: [
      {
        op,
        name: 'act',
        inputs: ['x'],
        outputs: ['y'],
        attributes: op === 'LeakyRelu' ? { alpha: floatAttr(alpha) } : undefined,
      },
    ],
    initializers: [],
    inputs: [{ name: 'x', dtype: 'float32', shape: [1, 1, 1, x.length] }],
    outputs: [],
    valueShapes: { x: [-1, 1, 1, x.length], y: [-1, 1, 1, x.length] },
  };
  const { graph, gradients } = appendGradientGraph(forward, { seeds: { y: 'dy' }, wrt: ['x'] });
  graph.outputs = [{ name: gradients.x, dtype: 'float32', shape: [1, 1, 1, x.length] }];
  const session = await ort.InferenceSession.create(encodeOnnxModel(graph));
  try {
    const dy = new Float32Array(x.length).fill(-3);
    const out = await session.run({
      x: new ort.Tensor('float32', x, [1, 1, 1, x.length]),
      dy: new ort.Tensor('float32', dy, [1, 1, 1, x.length]),
    });
    return Float32Array.from(out[gradients.x].data as Float32Array, (g) => g / -3);
  } finally {
    await session.release();
  }
}

for (const [name, op, alpha] of SLOPES) {
  test(`activation gradient is dY·(x > 0 ? 1 : α): ${name}`, async () => {
    const x = Float32Array.from([...INPUTS.map(([v]) => v), SUBNORMAL]);
    const got = await factors(op, alpha, x);
    INPUTS.forEach(([v, positive], i) => {
      const want = positive ? 1 : Math.fround(alpha);
      assert.ok(
        Object.is(got[i], want) || got[i] === want,
        `x = ${v}: factor ${got[i]}, expected ${want}`,
      );
    });
    // A subnormal positive output: between α and 1 when read from the output (documented),
    // exactly 1 through Where.
    const sub = got[INPUTS.length];
    const [lo, hi] = [Math.min(Math.fround(alpha), 1), Math.max(Math.fround(alpha), 1)];
    assert.ok(sub >= lo && sub <= hi, `x = 2^-140: factor ${sub} outside [${lo}, ${hi}]`);
    if (alpha < 0 || alpha > 1) assert.equal(sub, 1);
  });
}
