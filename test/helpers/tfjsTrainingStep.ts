/**
 * The TF.js autodiff reference of one training step, with given dropout masks: the model's
 * layers applied in order in training mode (BN on batch statistics), each Dropout replaced by a
 * multiplication with its mask, Keras categorical cross-entropy, `tf.variableGrads`.
 */
import * as tf from '@tensorflow/tfjs';
import { applyWithDropoutMasks } from '../../lib/train/applyWithDropoutMasks';

/** Result: the loss, probabilities, and ∂loss/∂variable per trainable weight (TF.js layout). */
export interface TfjsStep {
  loss: number;
  probabilities: Float32Array;
  /** Keyed by `<layer>/<short weight name>` (`conv2d_1/kernel`). */
  gradients: Map<string, Float32Array>;
}

/** Forward in training mode with masks (NHWC tensors keyed by Dropout layer name). */
export const forwardWithMasks = applyWithDropoutMasks;

/**
 * One reference step (no weight update; BN moving statistics of `model` ARE updated, as TF.js
 * does in training mode).
 */
export function tfjsTrainingStep(
  model: tf.LayersModel,
  xs: tf.Tensor4D,
  ys: tf.Tensor2D,
  masks: Map<string, tf.Tensor>,
): TfjsStep {
  const weights = model.trainableWeights;
  const vars = weights.map((w) => w.read() as tf.Variable);
  let probabilities = new Float32Array();
  const { value, grads } = tf.variableGrads(() => {
    const p = forwardWithMasks(model, xs, masks);
    probabilities = Float32Array.from(p.dataSync() as Float32Array);
    return tf.mean(tf.metrics.categoricalCrossentropy(ys, p)) as tf.Scalar;
  }, vars);
  const layerOf = new Map<string, string>();
  for (const l of model.layers) for (const w of l.trainableWeights) layerOf.set(w.name, l.name);
  const gradients = new Map<string, Float32Array>();
  weights.forEach((w, i) => {
    const short = (w.originalName ?? w.name).split('/').pop()!.replace(/_\d+$/, '');
    gradients.set(
      `${layerOf.get(w.name)}/${short}`,
      Float32Array.from(grads[vars[i].name].dataSync() as Float32Array),
    );
  });
  const loss = value.dataSync()[0];
  tf.dispose([value, ...Object.values(grads)]);
  return { loss, probabilities, gradients };
}
