/**
 * Replace the `BatchNormalizationTraining` placeholder nodes of a training graph by standard ONNX
 * operators (ONNX Runtime's CPU build has no training mode for `BatchNormalization`):
 *
 *   mean4 = ReduceMean(x, [0, 2, 3]);  centred = x − mean4
 *   variance4 = ReduceMean(centred², [0, 2, 3])  (biased, two-pass, as TF.js's moments)
 *   y = BatchNormalization(x, γ, β, mean, variance, ε)  (the inference kernel, fed the batch
 *   statistics), with mean/variance the `[C]` forms of mean4/variance4.
 *
 * `centred` is also an output of the placeholder: the backward rule reads it instead of x, so x
 * is freed after the normalisation and a training step keeps one tensor per BN layer, as before.
 * (Forming the variance as ReduceSumSquare / m, or normalising `centred`, rounds differently
 * from TF.js; the 97×97 gradient parity case then moves by 2e-3 in the first blocks.)
 */
import { intAttr, intsAttr, type OnnxGraph, type OnnxNode } from './onnxGraph';
import { BN_TRAINING_OP } from './trainingVjpRules';

function expand(node: OnnxNode, flat: string): OnnxNode[] {
  const [x, gamma, beta] = node.inputs;
  const [y, mean, variance, mean4, variance4, centred] = node.outputs;
  const n = node.name;
  const reduce = { axes: intsAttr([0, 2, 3]), keepdims: intAttr(1) };
  return [
    { op: 'ReduceMean', name: `${n}/mean`, inputs: [x], outputs: [mean4], attributes: reduce },
    { op: 'Sub', name: `${n}/centre`, inputs: [x, mean4], outputs: [centred] },
    { op: 'Mul', name: `${n}/square`, inputs: [centred, centred], outputs: [`${n}/squared`] },
    {
      op: 'ReduceMean',
      name: `${n}/variance`,
      inputs: [`${n}/squared`],
      outputs: [variance4],
      attributes: reduce,
    },
    { op: 'Reshape', name: `${n}/mean_c`, inputs: [mean4, flat], outputs: [mean] },
    { op: 'Reshape', name: `${n}/variance_c`, inputs: [variance4, flat], outputs: [variance] },
    {
      op: 'BatchNormalization',
      name: n,
      inputs: [x, gamma, beta, mean, variance],
      outputs: [y],
      attributes: { epsilon: node.attributes!.epsilon },
    },
  ];
}

/**
 * Expand every `BatchNormalizationTraining` node.
 * @param graph A graph from the training builder (not modified); each placeholder has the
 *   outputs `[y, mean, variance, mean4, variance4, centred]` and the attribute `epsilon`.
 * @returns A new graph with the same inputs, outputs and values, standard ops only.
 */
export function expandTrainingBatchNorms<G extends OnnxGraph>(graph: G): G {
  const flat = 'bn/flat_shape';
  const nodes = graph.nodes.flatMap((n) => (n.op === BN_TRAINING_OP ? expand(n, flat) : [n]));
  return {
    ...graph,
    nodes,
    initializers: [
      ...graph.initializers,
      { name: flat, dtype: 'int64', dims: [1], data: BigInt64Array.of(-1n) },
    ],
  };
}
