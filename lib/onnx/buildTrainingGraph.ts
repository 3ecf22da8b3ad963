/**
 * The training step of the density network as one ONNX graph: forward pass in training mode,
 * softmax cross-entropy, and the gradient of every trainable parameter, all from the network
 * described once by {@link describeDensityNetwork}.
 *
 * Training form of the described graph:
 * - every trainable parameter (conv kernel/bias, BN γ/β, dense kernel/bias) is a graph **input**
 *   in its ONNX layout (conv kernel OIHW, dense kernel `[in, out]`), so one session serves every
 *   step and the TypeScript side owns the weights (a kernel transpose in the graph cost more than
 *   the convolution at 64×64: ORT's 4-D Transpose is slow);
 * - BatchNormalization uses the batch statistics (biased variance over N, H, W, Keras ε) and
 *   outputs them (`<layer>/batch_mean`, `<layer>/batch_variance`, `[C]`) for the moving averages
 *   (updated in TypeScript with the layer's momentum, as TF.js does);
 * - Dropout is `Mul` by a mask given as a graph input (`<layer>/mask`, NCHW like the value, 0 or
 *   1/(1−rate)): the caller draws it from the project's seeded generator, so a step is
 *   reproducible and can be checked against TF.js with the same mask;
 * - loss: Keras categorical cross-entropy of the softmax output (probabilities normalised,
 *   clipped to [1e-7, 1−1e-7]), mean over the batch. Its gradient with respect to the logits is
 *   formed directly: (p·Σy′ − y′)/N with y′ = y where p is inside the clip range, else 0 (the
 *   exact gradient of the clipped loss for Σp = 1).
 *
 * The backward pass is {@link appendGradientGraph} with {@link TRAINING_VJP_RULES}; its sums
 * of a convolution's data gradient and another gradient are then folded into the convolution
 * ({@link fuseConvSums}).
 */
import { appendGradientGraph } from './appendGradientGraph';
import type { DescribedGraph } from './describeDensityNetwork';
import { expandTrainingBatchNorms } from './expandTrainingBatchNorms';
import { fuseConvSums } from './fuseConvSums';
import { floatAttr, intAttr, intsAttr, type OnnxGraph, type OnnxNode } from './onnxGraph';
import { BN_TRAINING_OP, TRAINING_VJP_RULES } from './trainingVjpRules';

/** A trainable parameter fed to the training graph. */
export interface TrainingParameter {
  /** Graph input name, `<layer>/<weight>` (`conv2d_3/kernel`, `batch_normalization_1/gamma`). */
  name: string;
  /** Shape in the ONNX layout (conv kernel OIHW `[out, in, kh, kw]`, dense `[in, out]`). */
  shape: number[];
  /** Graph output holding ∂loss/∂parameter, same shape. */
  gradient: string;
}

/** The built graph and what its inputs and outputs are. */
export interface TrainingGraph {
  /**
   * The graph (opset 17, for ONNX Runtime's CPU provider: the gradient sums of values read by
   * two layers are folded into `com.microsoft` `FusedConv` nodes, {@link fuseConvSums}). Inputs:
   * `input_1` NHWC, `labels` `[N, K]`, masks, parameters.
   */
  graph: OnnxGraph;
  /** Parameters in the order of the model's trainable weights given to the builder. */
  parameters: TrainingParameter[];
  /** Per BN layer: graph outputs of the batch mean and biased variance, `[C]`. */
  batchStatistics: { layer: string; mean: string; variance: string }[];
  /** Dropout masks to feed: input name, NCHW shape (batch `-1`), drop rate. */
  masks: { layer: string; name: string; shape: number[]; rate: number }[];
  /** Output names of the mean loss (scalar) and the probabilities `[N, K]`. */
  loss: string;
  probabilities: string;
}

const TRAINABLE = /\/(kernel|bias|gamma|beta)$/;

function scalarOf(graph: DescribedGraph, name: string): number {
  const init = graph.initializers.find((i) => i.name === name);
  if (!init) throw new Error(`buildTrainingGraph: no initializer ${name}`);
  return Number(init.data[0]);
}

/** Rewrite the described graph into its training form (see the file comment). */
function trainingForm(
  described: DescribedGraph,
  trainable: string[],
): {
  graph: DescribedGraph;
  parameters: Omit<TrainingParameter, 'gradient'>[];
  masks: TrainingGraph['masks'];
} {
  const graph: DescribedGraph = {
    ...described,
    nodes: [],
    initializers: [],
    inputs: [...described.inputs],
    outputs: [...described.outputs],
    valueShapes: { ...described.valueShapes },
  };
  const parameters: Omit<TrainingParameter, 'gradient'>[] = [];
  for (const name of trainable) {
    const init = described.initializers.find((i) => i.name === name);
    if (!init) throw new Error(`buildTrainingGraph: the graph has no parameter ${name}`);
    graph.inputs.push({ name, dtype: 'float32', shape: init.dims });
    graph.valueShapes[name] = init.dims;
    parameters.push({ name, shape: init.dims });
  }
  const masks: TrainingGraph['masks'] = [];
  const nodes = described.nodes.map((n): OnnxNode => {
    const node = { ...n, inputs: [...n.inputs] };
    if (n.op === 'BatchNormalization') {
      const l = n.name;
      const c = described.valueShapes[n.outputs[0]][1];
      const shape = described.valueShapes[n.inputs[0]];
      Object.assign(graph.valueShapes, {
        [`${l}/batch_mean`]: [c],
        [`${l}/batch_variance`]: [c],
        [`${l}/mean4`]: [1, c, 1, 1],
        [`${l}/variance4`]: [1, c, 1, 1],
        [`${l}/centred`]: shape,
      });
      const eps = n.attributes?.epsilon;
      return {
        op: BN_TRAINING_OP,
        name: l,
        inputs: node.inputs.slice(0, 3),
        outputs: [
          n.outputs[0],
          `${l}/batch_mean`,
          `${l}/batch_variance`,
          `${l}/mean4`,
          `${l}/variance4`,
          `${l}/centred`,
        ],
        attributes: { epsilon: eps ?? floatAttr(1e-3) },
      };
    }
    if (n.op === 'Dropout') {
      const mask = `${n.name}/mask`;
      const shape = described.valueShapes[n.inputs[0]];
      masks.push({ layer: n.name, name: mask, shape, rate: scalarOf(described, n.inputs[1]) });
      graph.inputs.push({
        name: mask,
        dtype: 'float32',
        shape: shape.map((d) => (d < 0 ? 'N' : d)),
      });
      graph.valueShapes[mask] = shape;
      return { op: 'Mul', name: n.name, inputs: [node.inputs[0], mask], outputs: n.outputs };
    }
    return node;
  });
  graph.nodes = nodes;
  // Keep only the constants still used (parameters are inputs now; moving statistics unused).
  const used = new Set(graph.nodes.flatMap((n) => n.inputs));
  graph.initializers = described.initializers.filter(
    (i) => used.has(i.name) && !trainable.includes(i.name),
  );
  return { graph, parameters, masks };
}

/** A tiny node writer for the loss part (names `loss/<op>_<k>`). */
function nodeWriter(graph: OnnxGraph, nodes: OnnxNode[]) {
  let k = 0;
  const node = (
    op: string,
    inputs: string[],
    attributes?: OnnxNode['attributes'],
    out?: string,
  ) => {
    const name = out ?? `loss/${op}_${++k}`;
    nodes.push({ op, name, inputs, outputs: [name], attributes });
    return name;
  };
  const constant = (name: string, dims: number[], values: number[], dtype: 'float32' | 'int64') => {
    graph.initializers.push(
      dtype === 'float32'
        ? { name, dtype, dims, data: Float32Array.from(values) }
        : { name, dtype, dims, data: BigInt64Array.from(values.map(BigInt)) },
    );
    return name;
  };
  return { node, constant };
}

/**
 * Loss nodes: Keras categorical cross-entropy of `probabilities` against `labels`, and the
 * gradient seed of the logits (see the file comment). Returns the nodes to insert after the forward.
 */
function lossNodes(
  graph: OnnxGraph,
  probabilities: string,
  labels: string,
  seed: string,
): OnnxNode[] {
  const nodes: OnnxNode[] = [];
  const { node, constant } = nodeWriter(graph, nodes);
  const eps = 1e-7;
  const lo = constant('loss/eps', [], [eps], 'float32');
  const hi = constant('loss/one_minus_eps', [], [1 - eps], 'float32');
  const classAxis = constant('loss/class_axis', [1], [1], 'int64');
  const total = node('ReduceSum', [probabilities, classAxis], { keepdims: intAttr(1) });
  const p = node('Div', [probabilities, total]);
  const clipped = node('Clip', [p, lo, hi]);
  const ce = node('Neg', [
    node('ReduceSum', [node('Mul', [labels, node('Log', [clipped])]), classAxis], {
      keepdims: intAttr(0),
    }),
  ]);
  node('ReduceMean', [ce], { axes: intsAttr([0]), keepdims: intAttr(0) }, 'loss');
  const inside = node(
    'Cast',
    [node('And', [node('GreaterOrEqual', [p, lo]), node('LessOrEqual', [p, hi])])],
    {
      to: intAttr(1),
    },
  );
  const y = node('Mul', [labels, inside]);
  const n = node('Cast', [node('Shape', [probabilities], { start: intAttr(0), end: intAttr(1) })], {
    to: intAttr(1),
  });
  const residual = node('Sub', [
    node('Mul', [probabilities, node('ReduceSum', [y, classAxis], { keepdims: intAttr(1) })]),
    y,
  ]);
  node('Div', [residual, n], undefined, seed);
  return nodes;
}

/**
 * Build the training-step graph of a described density network.
 * @param described From `describeDensityNetwork(model)` (unfolded; not modified).
 * @param trainable Parameter names `<layer>/<weight>` to train, in the order the caller keeps
 *   them (normally the model's `trainableWeights`); default every kernel, bias, γ and β.
 * @returns The graph and its interface. Inputs to feed: `input_1` float32 `[N, H, W, 3]`,
 *   `labels` float32 `[N, K]` (one-hot or soft), each mask, each parameter. Outputs: `loss`
 *   (scalar), `probabilities`, one gradient per parameter, the batch statistics per BN layer.
 * @throws Error when a parameter is missing or a node has no rule.
 */
export function buildTrainingGraph(described: DescribedGraph, trainable?: string[]): TrainingGraph {
  const names =
    trainable ?? described.initializers.map((i) => i.name).filter((n) => TRAINABLE.test(n));
  const { graph: form, parameters, masks } = trainingForm(described, names);
  const classes = form.valueShapes.logits?.[1];
  if (!classes) throw new Error('buildTrainingGraph: the graph has no logits');
  form.inputs.push({ name: 'labels', dtype: 'float32', shape: ['N', classes] });
  const seed = 'logits/gradient';
  const { graph, gradients } = appendGradientGraph(form, {
    seeds: { logits: seed },
    wrt: names,
    rules: TRAINING_VJP_RULES,
  });
  graph.inputs = graph.inputs.filter((i) => i.name !== seed);
  const forwardCount = form.nodes.length;
  const loss = lossNodes(graph, 'probabilities', 'labels', seed);
  graph.nodes = [
    ...graph.nodes.slice(0, forwardCount),
    ...loss,
    ...graph.nodes.slice(forwardCount),
  ];
  const batchStatistics = form.nodes
    .filter((n) => n.op === BN_TRAINING_OP)
    .map((n) => ({ layer: n.name, mean: n.outputs[1], variance: n.outputs[2] }));
  const withGradients = parameters.map((p) => ({ ...p, gradient: gradients[p.name] }));
  const expanded = expandTrainingBatchNorms(fuseConvSums(graph));
  expanded.outputs = [
    { name: 'loss', dtype: 'float32', shape: [] },
    { name: 'probabilities', dtype: 'float32', shape: ['N', classes] },
    ...withGradients.map((p) => ({ name: p.gradient, dtype: 'float32' as const, shape: p.shape })),
    ...batchStatistics.flatMap((s) => {
      const c = form.valueShapes[s.mean];
      return [
        { name: s.mean, dtype: 'float32' as const, shape: c },
        { name: s.variance, dtype: 'float32' as const, shape: c },
      ];
    }),
  ];
  return {
    graph: expanded,
    parameters: withGradients,
    batchStatistics,
    masks,
    loss: 'loss',
    probabilities: 'probabilities',
  };
}
