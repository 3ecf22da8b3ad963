/**
 * The density model's forward pass in training mode (BatchNorm on batch statistics) with given
 * dropout masks: the layers applied in graph order, each `Dropout` replaced by a multiplication
 * with its mask. Used by the TF.js training engine (masks from `createDropoutMasks`, as the ONNX
 * Runtime engine) and by the gradient tests.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Apply `model` to `xs` in training mode with fixed dropout masks.
 * @param model A functional Layers model (the density network).
 * @param xs Input batch, NHWC.
 * @param masks NHWC mask tensors (0 or 1/(1 − rate)) keyed by Dropout layer name, each the shape
 *   of its layer's input for this batch. Not disposed here.
 * @returns The model output (call inside `tf.tidy` or a gradient function: intermediates are
 *   left to the caller's scope).
 * @throws Error naming a Dropout layer without a mask.
 */
export function applyWithDropoutMasks(
  model: tf.LayersModel,
  xs: tf.Tensor,
  masks: ReadonlyMap<string, tf.Tensor>,
): tf.Tensor {
  const values = new Map<string, tf.Tensor>([[model.layers[0].name, xs]]);
  let last = xs;
  for (const layer of model.layers.slice(1)) {
    const ins = layer.inboundNodes[0].inboundLayers.map((l) => values.get(l.name)!);
    if (layer.getClassName() === 'Dropout') {
      const mask = masks.get(layer.name);
      if (!mask) throw new Error(`applyWithDropoutMasks: no mask for ${layer.name}`);
      last = tf.mul(ins[0], mask);
    } else {
      last = layer.apply(ins.length === 1 ? ins[0] : ins, { training: true }) as tf.Tensor;
    }
    values.set(layer.name, last);
  }
  return last;
}
