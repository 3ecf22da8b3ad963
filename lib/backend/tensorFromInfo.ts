import * as tf from '@tensorflow/tfjs';

/**
 * Wrap a kernel input (a TensorInfo from the engine) as a Tensor: a new handle on the same data,
 * tracked by the engine, so that ops can run on it inside a kernel (dispose it, or create it in a
 * `tf.tidy`). A Tensor is returned as it is.
 * @param info Tensor or TensorInfo of the active backend.
 * @returns A Tensor on the same data; owned by the caller (or its tidy).
 */
export function tensorFromInfo(info: tf.TensorInfo): tf.Tensor {
  if (info instanceof tf.Tensor) return info;
  const engine = tf.engine() as unknown as {
    makeTensorFromTensorInfo(i: tf.TensorInfo): tf.Tensor;
  };
  return engine.makeTensorFromTensorInfo(info);
}
