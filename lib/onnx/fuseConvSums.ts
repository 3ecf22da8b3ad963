/**
 * Fold a `Sum` of a convolution's output and other tensors of the same shape into the
 * convolution: ONNX Runtime's CPU `FusedConv` (domain `com.microsoft`) takes the addend as a 4th
 * input Z, starts its GEMM from it (β = 1) and may write in place of it, so the sum costs no pass
 * of its own. In a training step these sums are the gradients of values read by two layers (the
 * input of a residual module feeds its first convolution and the shortcut): 12 full-size sums,
 * 11 of the 780 ms of a 256×256 step, when they are separate `Sum` kernels.
 *
 * Only a plain `Conv` (standard domain, no 4th input) whose output the `Sum` alone reads is
 * folded, and only when every addend has the static shape of the sum (no broadcasting); when
 * the sum has more than two addends the others are summed first. The result is for ONNX
 * Runtime's CPU execution provider (the contrib op is not part of the ONNX standard).
 */
import type { DescribedGraph } from './describeDensityNetwork';
import type { OnnxNode } from './onnxGraph';

/** Domain of ONNX Runtime's contrib operators. */
export const ORT_CONTRIB_DOMAIN = 'com.microsoft';

function sameShape(graph: DescribedGraph, a: string, b: string): boolean {
  const sa = graph.valueShapes[a];
  const sb = graph.valueShapes[b];
  return !!sa && !!sb && sa.join(',') === sb.join(',');
}

/** The index of the first addend of `sum` that a foldable convolution produces, or −1. */
function foldableAddend(
  graph: DescribedGraph,
  sum: OnnxNode,
  producer: Map<string, OnnxNode>,
  readers: Map<string, number>,
): number {
  if (sum.inputs.length < 2 || !sum.inputs.every((v) => sameShape(graph, v, sum.outputs[0])))
    return -1;
  return sum.inputs.findIndex((v) => {
    const conv = producer.get(v);
    return (
      conv !== undefined &&
      conv.op === 'Conv' &&
      (conv.domain ?? '') === '' &&
      conv.inputs.length <= 3 &&
      readers.get(v) === 1 &&
      !graph.outputs.some((o) => o.name === v)
    );
  });
}

/**
 * Fold eligible `Sum` nodes into their convolution (see the file comment).
 * @param graph A graph with static `valueShapes` (not modified), nodes in topological order.
 * @returns A new graph with the same inputs, outputs and values; each folded convolution is
 *   moved to the place of its sum (its inputs are computed earlier), as a `FusedConv` writing
 *   the sum's output.
 */
export function fuseConvSums(graph: DescribedGraph): DescribedGraph {
  const producer = new Map<string, OnnxNode>();
  const readers = new Map<string, number>();
  for (const n of graph.nodes) {
    for (const o of n.outputs) producer.set(o, n);
    for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
  }
  const folded = new Set<OnnxNode>();
  const nodes: OnnxNode[] = [];
  for (const n of graph.nodes) {
    const k = n.op === 'Sum' ? foldableAddend(graph, n, producer, readers) : -1;
    if (k < 0) {
      nodes.push(n);
      continue;
    }
    const conv = producer.get(n.inputs[k])!;
    folded.add(conv);
    const rest = n.inputs.filter((_, i) => i !== k);
    let z = rest[0];
    if (rest.length > 1) {
      z = `${n.outputs[0]}/addends`;
      nodes.push({ op: 'Sum', name: `${n.name}/addends`, inputs: rest, outputs: [z] });
    }
    const [x, w, b = ''] = conv.inputs;
    nodes.push({
      ...conv,
      op: 'FusedConv',
      domain: ORT_CONTRIB_DOMAIN,
      name: `${conv.name}+${n.name}`,
      inputs: [x, w, b, z],
      outputs: [n.outputs[0]],
    });
  }
  return { ...graph, nodes: nodes.filter((n) => !folded.has(n)) };
}
