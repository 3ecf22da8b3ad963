/**
 * Where two engines put a LeakyReLU pre-activation on different sides of zero. The gradient of
 * LeakyReLU jumps there (1 against α = 0.3), so one such element moves every upstream parameter
 * gradient by up to ~1e-2 relative, however exact both engines are: a gradient comparison is
 * only meaningful on inputs where this count is 0. (Found behind the 64×64 discrepancy of issue
 * 16: with the input seed 64, two pre-activations of ±4e-7 and ±4e-6 change sign between ONNX
 * Runtime and the TF.js cpu kernels; about one input seed in three has such an element.)
 */
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { describeDensityNetwork } from '../../lib/onnx/describeDensityNetwork';
import { buildTrainingGraph } from '../../lib/onnx/buildTrainingGraph';
import { encodeOnnxModel } from '../../lib/onnx/encodeOnnxModel';
import type { OnnxStepInputs } from '../../lib/train/createOnnxTrainingSession';

/**
 * Count the sign disagreements between ONNX Runtime's training graph and TF.js (training mode,
 * current backend) over the inputs of every LeakyReLU.
 * @param model The density model; `inputs` as for `OnnxTrainingSession.run` (batch n).
 * @returns The count and up to five examples `layer[n,y,x,c] ort vs tfjs`.
 */
export async function leakyReluSignFlips(
  model: tf.LayersModel,
  inputs: OnnxStepInputs,
  n: number,
): Promise<{ flips: number; examples: string[] }> {
  const g = buildTrainingGraph(describeDensityNetwork(model));
  const nodes = g.graph.nodes.filter((x) => x.op === 'LeakyRelu');
  const values = nodes.map((x) => x.inputs[0]);
  g.graph.outputs.push(
    ...values.map((name) => ({ name, dtype: 'float32' as const, shape: ['N', 'C', 'H', 'W'] })),
  );
  const [, h, w] = model.inputs[0].shape as number[];
  const session = await ort.InferenceSession.create(encodeOnnxModel(g.graph));
  const feeds: Record<string, ort.Tensor> = {
    input_1: new ort.Tensor('float32', inputs.images, [n, h, w, 3]),
    labels: new ort.Tensor('float32', inputs.labels, [n, inputs.labels.length / n]),
  };
  g.masks.forEach((m, i) => {
    feeds[m.name] = new ort.Tensor('float32', inputs.masks[i], [n, ...m.shape.slice(1)]);
  });
  g.parameters.forEach((p, i) => {
    feeds[p.name] = new ort.Tensor('float32', inputs.parameters[i], p.shape);
  });
  const out = await session.run(feeds, values);
  const xs = tf.tensor4d(inputs.images, [n, h, w, 3]);
  const sub = tf.model({
    inputs: model.inputs,
    outputs: nodes.map((x) => model.getLayer(x.name).input as tf.SymbolicTensor),
  });
  const ref = sub.apply(xs, { training: true }) as tf.Tensor[];
  let flips = 0;
  const examples: string[] = [];
  nodes.forEach((node, k) => {
    const [N, C, H, W] = out[values[k]].dims as number[];
    const a = out[values[k]].data as Float32Array;
    const t = ref[k].dataSync();
    for (let b = 0; b < N; b++)
      for (let c = 0; c < C; c++)
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++) {
            const u = a[((b * C + c) * H + y) * W + x];
            const v = t[((b * H + y) * W + x) * C + c];
            if (u > 0 === v > 0) continue;
            flips++;
            if (examples.length < 5)
              examples.push(
                `${node.name}[${b},${y},${x},${c}] ${u.toExponential(2)} vs ${v.toExponential(2)}`,
              );
          }
  });
  tf.dispose([xs, ...ref]);
  for (const t of Object.values(out)) t.dispose();
  await session.release();
  return { flips, examples };
}
