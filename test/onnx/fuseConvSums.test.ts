/**
 * `fuseConvSums`: which `Sum` nodes fold into their convolution (a table of graphs), and that a
 * folded graph computes what the unfolded one does on ONNX Runtime.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { DescribedGraph } from '../../lib/onnx/describeDensityNetwork';
import { encodeOnnxModel } from '../../lib/onnx/encodeOnnxModel';
import { fuseConvSums, ORT_CONTRIB_DOMAIN } from '../../lib/onnx/fuseConvSums';
import { intsAttr, type OnnxNode } from '../../lib/onnx/onnxGraph';
import { createRng } from '../../lib/data/createRng';

const C = 3;
const S = 5;
const conv = (name: string, input: string, output: string): OnnxNode => ({
  op: 'Conv',
  name,
  inputs: [input, 'w'],
  outputs: [output],
  attributes: { kernel_shape: intsAttr([3, 3]), pads: intsAttr([1, 1, 1, 1]) },
});
const node = (op: string, inputs: string[], output: string): OnnxNode => ({
  op,
  name: output,
  inputs,
  outputs: [output],
});

/** A graph over inputs a, b, c `[1, C, S, S]`, `small` `[1, C, 1, 1]` and the kernel w. */
function graphOf(nodes: OnnxNode[], outputs: string[]): DescribedGraph {
  const full = [-1, C, S, S];
  const valueShapes: Record<string, number[]> = { small: [-1, C, 1, 1], w: [C, C, 3, 3] };
  for (const v of ['a', 'b', 'c', ...nodes.flatMap((n) => n.outputs)]) valueShapes[v] ??= full;
  return {
    name: 'sums',
    nodes,
    initializers: [],
    inputs: [
      ...['a', 'b', 'c'].map((name) => ({ name, dtype: 'float32' as const, shape: [1, C, S, S] })),
      { name: 'small', dtype: 'float32', shape: [1, C, 1, 1] },
      { name: 'w', dtype: 'float32', shape: [C, C, 3, 3] },
    ],
    outputs: outputs.map((name) => ({ name, dtype: 'float32' as const, shape: [1, C, S, S] })),
    valueShapes,
  };
}

// prettier-ignore
const CASES: { name: string; nodes: OnnxNode[]; outputs: string[]; fused: number; sums: number }[] = [
  { name: 'conv + tensor', fused: 1, sums: 0, outputs: ['s'],
    nodes: [conv('k', 'a', 'y'), node('Sum', ['y', 'b'], 's')] },
  { name: 'tensor + conv (either position)', fused: 1, sums: 0, outputs: ['s'],
    nodes: [conv('k', 'a', 'y'), node('Sum', ['b', 'y'], 's')] },
  { name: 'three addends: the other two summed first', fused: 1, sums: 1, outputs: ['s'],
    nodes: [conv('k', 'a', 'y'), node('Sum', ['b', 'y', 'c'], 's')] },
  { name: 'the conv output is read twice: kept', fused: 0, sums: 1, outputs: ['s', 't'],
    nodes: [conv('k', 'a', 'y'), node('Sum', ['y', 'b'], 's'), node('Relu', ['y'], 't')] },
  { name: 'the conv output is a graph output: kept', fused: 0, sums: 1, outputs: ['s', 'y'],
    nodes: [conv('k', 'a', 'y'), node('Sum', ['y', 'b'], 's')] },
  { name: 'a broadcast addend: kept', fused: 0, sums: 1, outputs: ['s'],
    nodes: [conv('k', 'a', 'y'), node('Sum', ['y', 'small'], 's')] },
  { name: 'no conv among the addends: kept', fused: 0, sums: 1, outputs: ['s'],
    nodes: [node('Relu', ['a'], 'y'), node('Sum', ['y', 'b'], 's')] },
  { name: 'two sums of two convs, in a chain', fused: 2, sums: 0, outputs: ['s2'],
    nodes: [conv('k1', 'a', 'y1'), node('Sum', ['y1', 'b'], 's1'), conv('k2', 's1', 'y2'),
      node('Sum', ['c', 'y2'], 's2')] },
];

function values(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

async function run(graph: DescribedGraph): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(encodeOnnxModel(graph));
  const full = [1, C, S, S];
  const feeds = {
    a: new ort.Tensor('float32', values(C * S * S, 1), full),
    b: new ort.Tensor('float32', values(C * S * S, 2), full),
    c: new ort.Tensor('float32', values(C * S * S, 3), full),
    small: new ort.Tensor('float32', values(C, 4), [1, C, 1, 1]),
    w: new ort.Tensor('float32', values(C * C * 9, 5), [C, C, 3, 3]),
  };
  try {
    const out = await session.run(feeds);
    return graph.outputs.map((o) => Float32Array.from(out[o.name].data as Float32Array));
  } finally {
    await session.release();
  }
}

for (const c of CASES) {
  test(`fuseConvSums: ${c.name}`, async () => {
    const graph = graphOf(c.nodes, c.outputs);
    const fused = fuseConvSums(graph);
    const ops = fused.nodes.map((n) => n.op);
    assert.equal(ops.filter((op) => op === 'FusedConv').length, c.fused, ops.join(' '));
    assert.equal(ops.filter((op) => op === 'Sum').length, c.sums, ops.join(' '));
    for (const n of fused.nodes.filter((f) => f.op === 'FusedConv')) {
      assert.equal(n.domain, ORT_CONTRIB_DOMAIN);
      assert.equal(n.inputs.length, 4, 'X, W, B (omitted), Z');
    }
    assert.equal(graph.nodes.length, c.nodes.length, 'the input graph is not modified');
    const [want, got] = await Promise.all([run(graph), run(fused)]);
    want.forEach((w, k) => {
      const worst = Math.max(...w.map((v, i) => Math.abs(v - got[k][i])));
      assert.ok(worst <= 1e-6, `output ${k}: worst difference ${worst}`);
    });
  });
}
