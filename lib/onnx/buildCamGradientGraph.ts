/**
 * The graph of gradient-based maps at any layer: one ONNX Runtime run gives the layer's
 * activations A, the gradient ∂y_c/∂A of each image's target score (before the softmax) and the
 * logits. The target class of each image is a graph input (`-1` = the predicted class, resolved
 * inside the graph from the same forward pass), so no second pass is needed.
 *
 * Built from the inference graph by the project's reverse-mode pass ({@link appendGradientGraph}):
 * the seed of `logits` is the one-hot row of each image's target, Σ_b y_{b,c_b}, whose gradient
 * gives every image its own ∂y_{c_b}/∂A_b (images are independent at inference).
 */
import type * as tf from '@tensorflow/tfjs';
import { appendGradientGraph } from './appendGradientGraph';
import { buildInferenceGraph } from './buildInferenceGraph';
import type { DescribedGraph } from './describeDensityNetwork';
import { intAttr, intsAttr, type OnnxNode } from './onnxGraph';

/** Value names of a {@link buildCamGradientGraph} graph. */
export const CAM_GRAPH_NAMES = {
  /** Input: int64 `[N]` target class per image, −1 = predicted. */
  targets: 'targets',
  /** Output: int64 `[N]` the class explained per image. */
  resolvedTargets: 'targets_resolved',
  /** Output: float32 `[N, classes]`. */
  logits: 'logits',
  /** Output: float32 NHWC activations of the layer (absent for the graph input). */
  activations: 'cam_activations',
  /** Output: float32 NHWC gradient of the target score with respect to the layer. */
  gradients: 'cam_gradients',
} as const;

function seedNodes(
  numClasses: number,
  seed: string,
): { nodes: OnnxNode[]; inits: DescribedGraph['initializers'] } {
  const n = CAM_GRAPH_NAMES;
  return {
    inits: [
      { name: 'cam/zero_i64', dtype: 'int64', dims: [], data: BigInt64Array.of(0n) },
      { name: 'cam/depth', dtype: 'int64', dims: [1], data: BigInt64Array.of(BigInt(numClasses)) },
      { name: 'cam/one_hot_values', dtype: 'float32', dims: [2], data: Float32Array.of(0, 1) },
    ],
    nodes: [
      {
        op: 'ArgMax',
        name: 'cam/predicted',
        inputs: ['logits'],
        outputs: ['cam/predicted'],
        attributes: { axis: intAttr(1), keepdims: intAttr(0) },
      },
      {
        op: 'Less',
        name: 'cam/is_predicted',
        inputs: [n.targets, 'cam/zero_i64'],
        outputs: ['cam/is_predicted'],
      },
      {
        op: 'Where',
        name: 'cam/targets',
        inputs: ['cam/is_predicted', 'cam/predicted', n.targets],
        outputs: [n.resolvedTargets],
      },
      {
        op: 'OneHot',
        name: 'cam/seed',
        inputs: [n.resolvedTargets, 'cam/depth', 'cam/one_hot_values'],
        outputs: [seed],
        attributes: { axis: intAttr(-1) },
      },
    ],
  };
}

/** Expose `value` as graph output `output` in NHWC (`alreadyNhwc`: values of the NHWC input). */
function toNhwc(graph: DescribedGraph, value: string, output: string, alreadyNhwc: boolean): void {
  const shape = graph.valueShapes[value];
  if (alreadyNhwc) {
    graph.nodes.push({
      op: 'Identity',
      name: `${output}/identity`,
      inputs: [value],
      outputs: [output],
    });
    graph.outputs.push({
      name: output,
      dtype: 'float32',
      shape: shape.map((d) => (d < 0 ? 'N' : d)),
    });
    return;
  }
  const [, k, h, w] = shape;
  graph.nodes.push({
    op: 'Transpose',
    name: `${output}/to_nhwc`,
    inputs: [value],
    outputs: [output],
    attributes: { perm: intsAttr([0, 2, 3, 1]) },
  });
  graph.outputs.push({ name: output, dtype: 'float32', shape: ['N', h, w, k] });
}

/**
 * Build the map graph of a model for one layer.
 * @param model Density model (not modified; weights copied).
 * @param layer A 4-D layer (`add_6`…) or the input layer (`input_1`, for saliency).
 * @returns Graph with inputs `input_1` float32 NHWC and `targets` int64 `[N]`; outputs
 *   {@link CAM_GRAPH_NAMES} (`cam_activations` only for a non-input layer).
 * @throws Error for an unknown layer or a layer kind without a gradient rule.
 */
export function buildCamGradientGraph(model: tf.LayersModel, layer: string): DescribedGraph {
  const forward = buildInferenceGraph(model);
  const inputName = forward.inputs[0].name;
  const isInput = layer === inputName;
  if (!isInput && !forward.valueShapes[layer]) {
    const adds = Object.keys(forward.valueShapes).filter((v) => /^add_\d+$/.test(v));
    throw new Error(
      `layer "${layer}" is not in the ONNX graph (candidates: ${inputName}, ${adds.join(', ')})`,
    );
  }
  const seed = 'cam/logits_seed';
  const { graph, gradients } = appendGradientGraph(forward, {
    seeds: { logits: seed },
    wrt: [layer],
  });
  const numClasses = forward.valueShapes.logits[1];
  const s = seedNodes(numClasses, seed);
  graph.inputs = [
    ...graph.inputs.filter((i) => i.name !== seed),
    { name: CAM_GRAPH_NAMES.targets, dtype: 'int64', shape: ['N'] },
  ];
  graph.initializers.push(...s.inits);
  graph.nodes.splice(forward.nodes.length, 0, ...s.nodes);
  graph.outputs = [
    { name: 'logits', dtype: 'float32', shape: ['N', numClasses] },
    { name: CAM_GRAPH_NAMES.resolvedTargets, dtype: 'int64', shape: ['N'] },
  ];
  if (!isInput) toNhwc(graph, layer, CAM_GRAPH_NAMES.activations, false);
  toNhwc(graph, gradients[layer], CAM_GRAPH_NAMES.gradients, isInput);
  graph.doc = `${forward.doc} Map graph for ${layer}: gradient of the target logit (targets input, -1 = predicted).`;
  return graph;
}
