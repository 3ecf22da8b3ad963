/**
 * Refuse a model whose outputs are not finite numbers (NaN or ±Infinity: weights holding NaN,
 * or so large that the activations overflow) before any output is written, with one
 * {@link InputError} naming the model, instead of NaN probabilities in files or an internal error.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';

/**
 * Run the model once on a fixed, smooth test image and check that every output is finite.
 * @param model The network (not disposed; the probe's tensors are).
 * @param modelName How to name the model in the message (its directory).
 * @param inputSize `[height, width]` of the network input.
 * @throws InputError `<modelName>: the model's outputs are not finite …`.
 */
export function checkModelOutputsFinite(
  model: tf.LayersModel,
  modelName: string,
  inputSize: readonly [number, number],
): void {
  const [h, w] = inputSize;
  const channels = model.inputs[0].shape[3] ?? 3;
  const values = tf.tidy(() => {
    // A centred ramp in [-0.5, 0.5], like a standardised image (x/255 − mean).
    const ramp = tf.linspace(-0.5, 0.5, h * w).reshape([1, h, w, 1]);
    const x = tf.tile(ramp, [1, 1, 1, channels]);
    const y = model.predict(x) as tf.Tensor;
    return y.dataSync();
  });
  const bad = Array.from(values).find((v) => !Number.isFinite(v));
  if (bad !== undefined) {
    throw new InputError(
      `${modelName}: the model's outputs are not finite (${bad}): its weights hold NaN or values too large; refusing to use it`,
    );
  }
}
