/**
 * The TF.js engine: today's path on the active TF.js backend (wasm here; tfjs-node where
 * installed). Forward passes run on the fast executor (`createInferenceModel`: BatchNorm folded,
 * fused convolutions); gradients come from TF.js autodiff of the Layers model (`camGradients`).
 * The fallback when ONNX Runtime cannot load, and the reference the ONNX engine is checked against.
 */
import * as tf from '@tensorflow/tfjs';
import { registerWasmMaxPoolGrad } from '../backend/registerWasmMaxPoolGrad';
import { camGradients } from '../cam/camGradients';
import { inputLayerName } from '../cam/forwardWithProbe';
import { createInferenceModel } from '../fast/createInferenceModel';
import { checkEngineInput } from './checkEngineInput';
import type { DensityEngine, EngineForward, EngineGradients, EngineTensor } from './densityEngine';

async function plain(t: tf.Tensor): Promise<EngineTensor> {
  return { data: (await t.data()) as Float32Array, shape: t.shape };
}

/**
 * Create the TF.js engine of a model (call `initBackend()` first).
 * @param model Density model; used, not owned (the caller disposes it after the engine). Unlike
 *   the ONNX engine, gradients read the live weights.
 * @returns The engine; the caller calls `dispose()` (frees the folded weights).
 */
export function createTfjsEngine(model: tf.LayersModel): DensityEngine {
  // Gradients below the stem MaxPool (saliency) need the corrected wasm MaxPoolGrad.
  if (tf.getBackend() === 'wasm') registerWasmMaxPoolGrad();
  const fast = createInferenceModel(model);
  const [h, w, c] = fast.inputShape;
  const numClasses = fast.numClasses;
  let disposed = false;
  const images = (input: Float32Array, batch: number): tf.Tensor4D => {
    if (disposed) throw new Error('engine: used after dispose()');
    checkEngineInput(input, batch, [h, w, c]);
    return tf.tensor4d(input, [batch, h, w, c]);
  };

  const forward = async (
    input: Float32Array,
    batch: number,
    layers: readonly string[] = [],
  ): Promise<EngineForward> => {
    const x = images(input, batch);
    const owned: tf.Tensor[] = [x];
    try {
      const activations: Record<string, EngineTensor> = {};
      let logits: tf.Tensor2D | null = null;
      for (const layer of layers) {
        const r = fast.activationsAndLogits(x, layer);
        owned.push(r.activations, r.logits);
        activations[layer] = await plain(r.activations);
        logits ??= r.logits;
      }
      if (!logits) {
        logits = fast.logits(x);
        owned.push(logits);
      }
      const probabilities = tf.softmax(logits);
      owned.push(probabilities);
      return {
        logits: (await logits.data()) as Float32Array,
        probabilities: (await probabilities.data()) as Float32Array,
        activations,
      };
    } finally {
      tf.dispose(owned);
    }
  };

  const gradients = async (
    input: Float32Array,
    batch: number,
    layer: string,
    targets: readonly number[],
  ): Promise<EngineGradients> => {
    const x = images(input, batch);
    const g = (() => {
      try {
        return camGradients(
          model,
          x,
          layer,
          targets.map((t) => (t < 0 ? 'predicted' : t)),
        );
      } finally {
        x.dispose();
      }
    })();
    try {
      return {
        activations: layer === inputLayerName(model) ? null : await plain(g.activations),
        gradients: await plain(g.gradients),
        logits: (await g.logits.data()) as Float32Array,
        targets: g.targets,
        predicted: g.predicted,
      };
    } finally {
      tf.dispose([g.activations, g.gradients, g.logits]);
    }
  };

  return {
    kind: 'tfjs',
    description: `TensorFlow.js ${tf.version.tfjs} (${tf.getBackend()} backend)`,
    inputShape: [h, w, c],
    numClasses,
    inputLayer: inputLayerName(model),
    openSessions: 0,
    forward,
    gradients,
    async dispose() {
      if (disposed) return;
      disposed = true;
      fast.dispose();
    },
  };
}
