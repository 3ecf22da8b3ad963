/**
 * The inference graph of a density model: `describeDensityNetwork` → BatchNorm folded, Dropout
 * removed → the outputs asked for. What `breast-density export-onnx` writes and what the ONNX
 * Runtime engine runs.
 */
import type * as tf from '@tensorflow/tfjs';
import { describeDensityNetwork, type DescribedGraph } from './describeDensityNetwork';
import { foldBatchNormalizations } from './foldBatchNormalizations';
import { intsAttr } from './onnxGraph';

/** Options of {@link buildInferenceGraph}. */
export interface InferenceGraphOptions {
  /**
   * Layers whose outputs become extra graph outputs (e.g. `add_1`…`add_12` for CAMs), each named
   * after the layer, float32 NCHW `[N, k, h, w]`. Default none.
   */
  layers?: readonly string[];
  /** Also (or only) give each extra layer output as NHWC `<layer>_nhwc` `[N, h, w, k]`. Default false. */
  nhwc?: boolean;
}

/**
 * Build the inference graph of a model.
 * @param model Density model (not modified or disposed; weights are copied).
 * @param options Extra layer outputs.
 * @returns Graph with input `input_1` float32 NHWC `[N, H, W, 3]` and outputs `logits`,
 *   `probabilities` float32 `[N, classes]`, then the requested layers.
 * @throws Error naming an unknown layer (with the candidates) or an unsupported layer kind.
 */
export function buildInferenceGraph(
  model: tf.LayersModel,
  options: InferenceGraphOptions = {},
): DescribedGraph {
  const graph = foldBatchNormalizations(describeDensityNetwork(model));
  const produced = new Set(graph.nodes.flatMap((n) => n.outputs));
  for (const layer of options.layers ?? []) {
    if (!produced.has(layer) || !graph.valueShapes[layer]) {
      const adds = [...produced].filter((v) => /^add_\d+$/.test(v));
      throw new Error(
        `layer "${layer}" is not an output of the network (candidates: ${adds.join(', ')})`,
      );
    }
    const [, k, h, w] = graph.valueShapes[layer];
    if (options.nhwc) {
      const name = `${layer}_nhwc`;
      graph.nodes.push({
        op: 'Transpose',
        name: `${layer}_to_nhwc`,
        inputs: [layer],
        outputs: [name],
        attributes: { perm: intsAttr([0, 2, 3, 1]) },
      });
      graph.valueShapes[name] = [-1, h, w, k];
      graph.outputs.push({ name, dtype: 'float32', shape: ['N', h, w, k] });
    } else {
      graph.outputs.push({ name: layer, dtype: 'float32', shape: ['N', k, h, w] });
    }
  }
  const [, height, width] = graph.inputs[0].shape;
  graph.doc =
    `breast-density ResNet (Keras 2.2.4 layer names), BatchNorm folded into the convolutions. ` +
    `Input input_1: float32 NHWC [N, ${height}, ${width}, 3], each image (x - mean(x)) / 255 replicated to 3 channels. ` +
    `Outputs: logits, probabilities float32 [N, classes] (classes A, B, C, D)` +
    (options.layers?.length
      ? `; ${options.layers.join(', ')} float32 ${options.nhwc ? 'NHWC' : 'NCHW'}.`
      : '.');
  return graph;
}
