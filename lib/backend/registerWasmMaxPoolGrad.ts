/**
 * Replace the `MaxPoolGrad` kernel of the TF.js wasm backend by {@link maxPoolBackprop}: the
 * backend's own kernel (tfjs-backend-wasm 4.22) is wrong on windows whose values are all
 * negative and on ties (see `maxPoolBackprop`), which made every TF.js-on-wasm gradient below the
 * network's stem MaxPool wrong: training of the first convolution and batch normalisation, and
 * saliency maps (∂y/∂input) of the TF.js engine.
 */
import * as tf from '@tensorflow/tfjs';
import { maxPoolBackprop, type MaxPoolGradAttrs } from './maxPoolBackprop';
import { tensorFromInfo } from './tensorFromInfo';

const KERNEL = 'MaxPoolGrad';

/** The kernel function this module registers (recognised by a second call). */
const kernelFunc: tf.KernelFunc = ({ inputs, attrs }) => {
  const { dy, input } = inputs as Record<'dy' | 'input', tf.TensorInfo>;
  return tf.tidy(() =>
    maxPoolBackprop(
      tensorFromInfo(dy) as tf.Tensor4D,
      tensorFromInfo(input) as tf.Tensor4D,
      attrs as unknown as MaxPoolGradAttrs,
    ),
  );
};

/**
 * Register the correct `MaxPoolGrad` for the `wasm` backend. Explicit call (nothing happens at
 * import time); idempotent; harmless when another backend is active (registered for wasm only).
 * Called by `initBackend` when it starts wasm, by the TF.js engine and by the wasm training kernels.
 * @returns Whether this call registered it (false when already done).
 */
export function registerWasmMaxPoolGrad(): boolean {
  const current = tf.getKernel(KERNEL, 'wasm');
  if (current?.kernelFunc === kernelFunc) return false;
  if (current !== undefined) tf.unregisterKernel(KERNEL, 'wasm');
  tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc });
  return true;
}
