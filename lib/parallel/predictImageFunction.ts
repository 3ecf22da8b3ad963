/**
 * The default image function of `mapImagesInWorkers`: class probabilities of one preprocessed
 * image with the fast inference model.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import type { ImageWorkerContext } from './imageWorker';

/** One preprocessed network input, as plain data (structured-cloneable, transferable). */
export interface ImageItem {
  /** Pixels `[H, W, C]` row-major float32, preprocessed as the model expects. */
  data: Float32Array;
  /** `[H, W, C]`. */
  shape: [number, number, number];
  /** Where the image came from (file name), for error messages. */
  name?: string;
}

/** Output of {@link predictImageFunction} for one image. */
export interface ImagePrediction {
  /** The model's output (probabilities for the softmax head), length = classes. */
  probabilities: Float32Array;
  /** Pre-activation scores of the final Dense layer, length = classes. */
  logits: Float32Array;
}

/**
 * Predict one image with one fast forward pass, in one tidy scope.
 * @param ctx Worker context (model, fast model).
 * @param item One image.
 * @throws InputError when the data length does not match the shape.
 */
export function predictImageFunction(ctx: ImageWorkerContext, item: ImageItem): ImagePrediction {
  const [h, w, c] = item.shape;
  if (item.data.length !== h * w * c) {
    throw new InputError(
      `${item.name ?? 'image'}: expected ${h}×${w}×${c} = ${h * w * c} values, got ${item.data.length}`,
    );
  }
  return tf.tidy(() => {
    const x = tf.tensor4d(item.data, [1, h, w, c]);
    const { probabilities, logits } = ctx.fast.predictWithLogits(x);
    return {
      probabilities: probabilities.dataSync() as Float32Array,
      logits: logits.dataSync() as Float32Array,
    };
  });
}
