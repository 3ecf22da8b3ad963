/**
 * The forward pass used by prediction, behind a one-function interface so that a faster
 * implementation (batch-norm folded into the convolutions, worker threads) can replace the plain
 * Layers model without touching the prediction loop.
 */
import * as tf from '@tensorflow/tfjs';
import type { DensityEngine } from '../engine/densityEngine';
import { createInferenceModel } from '../fast/createInferenceModel';

/**
 * Class probabilities of a batch.
 * Contract: takes float32 `[n, H, W, 3]` preprocessed inputs (not disposed by the function) and
 * returns (or resolves to) a NEW float32 `[n, classes]` tensor of probabilities (rows sum to 1)
 * that the caller disposes.
 */
export type ForwardFunction = (batch: tf.Tensor4D) => tf.Tensor2D | Promise<tf.Tensor2D>;

/** Activation of the model's last layer (`softmax` for the original network, `linear` for logits). */
export function headActivation(model: tf.LayersModel): string {
  const last = model.layers[model.layers.length - 1];
  const config = last.getConfig() as { activation?: unknown };
  return typeof config.activation === 'string' ? config.activation : 'linear';
}

/**
 * Forward function of a Layers model: `model.predict`, with a softmax added when the model ends
 * in a linear head (so that the output is always probabilities).
 * @param model A density model (not disposed here; its owner disposes it).
 */
export function layersModelForward(model: tf.LayersModel): (batch: tf.Tensor4D) => tf.Tensor2D {
  const addSoftmax = headActivation(model) !== 'softmax';
  return (batch) =>
    tf.tidy(() => {
      const out = model.predict(batch) as tf.Tensor2D;
      return addSoftmax ? tf.softmax(out) : out;
    });
}

/**
 * Forward function on the fast inference executor (`lib/fast`: BatchNorm folded into the
 * convolutions, fused conv + bias + LeakyReLU; same probabilities as `model.predict` up to float32
 * rounding), with a softmax added for a linear head.
 * @param model A density model (not disposed here).
 * @returns The forward function and `dispose()` for the folded weights (call it when done).
 */
export function fastModelForward(model: tf.LayersModel): {
  forward: (batch: tf.Tensor4D) => tf.Tensor2D;
  dispose: () => void;
} {
  const fast = createInferenceModel(model);
  const addSoftmax = headActivation(model) !== 'softmax';
  return {
    forward: (batch) =>
      tf.tidy(() => {
        const out = fast.predict(batch);
        return addSoftmax ? tf.softmax(out) : out;
      }),
    dispose: () => fast.dispose(),
  };
}

/**
 * Forward function on a compute engine (`createDensityEngine`: ONNX Runtime by default; its
 * probabilities are always softmax). The engine is not disposed here.
 * @param engine Engine of the model to run.
 */
export function engineForward(engine: DensityEngine): ForwardFunction {
  return async (batch) => {
    const n = batch.shape[0];
    const { probabilities } = await engine.forward((await batch.data()) as Float32Array, n);
    return tf.tensor2d(probabilities, [n, engine.numClasses]);
  };
}
