/** Shared TF.js set-up for tests: the wasm backend, quietly. */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend/initBackend';

/** Initialise the backend the tests run on (wasm unless DENSITY_BACKEND says otherwise). */
export async function setupTf(): Promise<typeof tf> {
  await initBackend({ report: null });
  return tf;
}

/**
 * Run `fn` and return how many tensors it leaked (tf.memory().numTensors after − before).
 */
export async function leakedTensors(fn: () => unknown | Promise<unknown>): Promise<number> {
  const before = tf.memory().numTensors;
  await fn();
  return tf.memory().numTensors - before;
}
