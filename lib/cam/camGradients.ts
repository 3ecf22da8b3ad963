/**
 * The primitive behind every map: a layer's activations A and the gradient ∂y_c/∂A of the
 * target class score y_c (before the softmax), for a batch, in one forward and one partial
 * backward pass.
 */
import * as tf from '@tensorflow/tfjs';
import { forwardWithProbe, layerOutputShape } from './forwardWithProbe';
import { resolveCamTargets, type CamTarget } from './camTargets';

/** Result of {@link camGradients}. The caller disposes the three tensors. */
export interface CamGradients {
  /** Activations A of the layer, e.g. `[batch, 21, 21, 256]` float32 for `add_12` at 650×650. */
  activations: tf.Tensor4D;
  /** ∂y_c/∂A, same shape as `activations`; image b's gradient is of its own target's score. */
  gradients: tf.Tensor4D;
  /** Class scores before the softmax, `[batch, classes]`. */
  logits: tf.Tensor2D;
  /** Target class index per image. */
  targets: number[];
  /** Predicted class index per image (arg-max of the logits). */
  predicted: number[];
}

/**
 * Activations of `layer` and gradients of each image's target class score with respect to them.
 *
 * Images of a batch are independent in inference mode (BatchNorm uses moving statistics, dropout
 * is off), so the gradient of Σ_b y_{b,c_b} with respect to A gives every image its own ∂y_{c_b}/∂A_b.
 * The prediction is read from the same forward pass (the target mask is a constant for the
 * gradient), so one forward and one partial backward pass suffice.
 * @param model Functional Layers model (see `forwardWithProbe` for the requirements).
 * @param input `[batch, H, W, C]` float32 preprocessed images (not disposed).
 * @param layer Layer name (4-D output `[batch, h, w, k]`), e.g. `add_12`, or the input layer name.
 * @param targets What to explain; default the predicted class of each image.
 * @param classNames Class names in output order (for targets given by name).
 */
export function camGradients(
  model: tf.LayersModel,
  input: tf.Tensor4D,
  layer: string,
  targets?: CamTarget | CamTarget[],
  classNames?: readonly string[],
): CamGradients {
  const batch = input.shape[0];
  const shape = layerOutputShape(model, layer, batch);
  tf.util.assert(
    shape.length === 4,
    () =>
      `layer ${layer} must output [batch, h, w, channels], its shape is ${JSON.stringify(shape)}`,
  );
  let probe: tf.Tensor | undefined;
  let saved: { activations: tf.Tensor; logits: tf.Tensor2D } | undefined;
  let predicted: number[] = [];
  let cls: number[] = [];
  try {
    probe = tf.zeros(shape);
    const numClasses = model.outputs[0].shape[1] as number;
    const f = (p: tf.Tensor): tf.Scalar => {
      const out = forwardWithProbe(model, input, layer, p);
      saved = { activations: tf.keep(out.activations), logits: tf.keep(out.logits) };
      // The target mask is built from plain numbers: it is a constant for the gradient.
      predicted = Array.from(tf.argMax(out.logits, 1).dataSync());
      cls = resolveCamTargets(targets, predicted, classNames);
      const mask = tf.oneHot(tf.tensor1d(cls, 'int32'), numClasses).toFloat();
      return tf.sum(tf.mul(out.logits, mask));
    };
    const gradients = tf.grad(f)(probe) as tf.Tensor4D;
    const got = saved as unknown as { activations: tf.Tensor4D; logits: tf.Tensor2D };
    return {
      activations: got.activations,
      gradients,
      logits: got.logits,
      targets: cls,
      predicted,
    };
  } catch (err) {
    if (saved) tf.dispose([saved.activations, saved.logits]);
    throw err;
  } finally {
    probe?.dispose();
  }
}
