/**
 * Inference form of a described network: every BatchNormalization that is the only consumer of a
 * Conv is folded into it (W' = W·s, b' = (b − μ)·s + β with s = γ/√(σ² + ε) per output channel;
 * Ioffe & Szegedy, "Batch Normalization", ICML 2015, §3.2), and inference-time Dropout nodes are
 * removed (identity). The arithmetic is done in float64 and rounded once to float32.
 */
import type { DescribedGraph } from './describeDensityNetwork';
import type { OnnxInitializer, OnnxNode } from './onnxGraph';

function floatInit(graph: DescribedGraph, name: string): Float32Array {
  const init = graph.initializers.find((i) => i.name === name);
  if (!init || init.dtype !== 'float32')
    throw new Error(`foldBatchNormalizations: no float initializer ${name}`);
  return init.data;
}

function epsilonOf(node: OnnxNode): number {
  const a = node.attributes?.epsilon;
  return a && a.type === 'float' ? a.value : 1e-5;
}

/**
 * Fold BatchNorm into convolutions and drop inference Dropout.
 * @param graph A graph from `describeDensityNetwork` (not modified).
 * @returns A new graph computing the same outputs (up to float32 rounding). The folded Conv keeps
 *   the Conv's node name and takes the BatchNorm's output value name (so `batch_normalization_5`
 *   still names that value); its doc says which layers it covers. Unused initializers are dropped.
 */
export function foldBatchNormalizations(graph: DescribedGraph): DescribedGraph {
  const consumers = new Map<string, number>();
  for (const n of graph.nodes)
    for (const i of n.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  const producer = new Map(graph.nodes.map((n) => [n.outputs[0], n]));
  const replaced = new Map<string, OnnxInitializer>();
  const folded = new Map<OnnxNode, OnnxNode>(); // conv → folded conv
  const dropped = new Set<OnnxNode>();
  const rename = new Map<string, string>(); // removed value → value that replaces it
  for (const bn of graph.nodes) {
    if (bn.op !== 'BatchNormalization') continue;
    const conv = producer.get(bn.inputs[0]);
    if (!conv || conv.op !== 'Conv' || consumers.get(conv.outputs[0]) !== 1) continue;
    const w = floatInit(graph, conv.inputs[1]);
    const b = conv.inputs[2] ? floatInit(graph, conv.inputs[2]) : null;
    const [gamma, beta, mean, variance] = bn.inputs.slice(1).map((n) => floatInit(graph, n));
    const c = gamma.length;
    const eps = epsilonOf(bn);
    const perChannel = w.length / c;
    const w2 = new Float32Array(w.length);
    const b2 = new Float32Array(c);
    for (let o = 0; o < c; o++) {
      const s = gamma[o] / Math.sqrt(variance[o] + eps);
      for (let j = 0; j < perChannel; j++) w2[o * perChannel + j] = w[o * perChannel + j] * s;
      b2[o] = ((b ? b[o] : 0) - mean[o]) * s + beta[o];
    }
    const wName = `${conv.name}/kernel_folded`;
    const bName = `${conv.name}/bias_folded`;
    const wDims = graph.initializers.find((i) => i.name === conv.inputs[1])!.dims;
    replaced.set(wName, { name: wName, dtype: 'float32', dims: wDims, data: w2 });
    replaced.set(bName, { name: bName, dtype: 'float32', dims: [c], data: b2 });
    folded.set(conv, {
      ...conv,
      inputs: [conv.inputs[0], wName, bName],
      outputs: [bn.outputs[0]],
      doc: `${conv.name} + ${bn.name} (BatchNorm folded)`,
    });
    dropped.add(bn);
  }
  for (const n of graph.nodes) {
    if (n.op === 'Dropout') {
      dropped.add(n);
      rename.set(n.outputs[0], n.inputs[0]);
    }
  }
  const resolve = (v: string): string => {
    let r = v;
    while (rename.has(r)) r = rename.get(r)!;
    return r;
  };
  const nodes = graph.nodes
    .filter((n) => !dropped.has(n))
    .map((n) => folded.get(n) ?? n)
    .map((n) => ({ ...n, inputs: n.inputs.map(resolve) }));
  const used = new Set(nodes.flatMap((n) => n.inputs));
  const initializers = [...graph.initializers, ...replaced.values()].filter((i) =>
    used.has(i.name),
  );
  const valueShapes = { ...graph.valueShapes };
  return { ...graph, nodes, initializers, valueShapes };
}
