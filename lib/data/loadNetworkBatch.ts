/**
 * One batch of image files as the network reads them: decoded, Pillow-NEAREST resized to the
 * input size, `(x − mean) / 255` per image, gray to RGB (the original preprocessing). Shared by
 * `predict` and the pooled-feature extraction of `fit-head`.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageRef } from './imageRef';
import { loadImage, type LoadImageOptions } from './loadImage';
import { preprocessBatch } from './preprocessForNetwork';

/**
 * Load and preprocess one batch of images, in order, one file decoded at a time.
 * @param items The images (their `path`).
 * @param inputSize Network input `[height, width]` (from the model metadata).
 * @param load Image loading options (16-bit conversion, size limit).
 * @returns float32 NHWC `[n, height, width, 3]`; the caller disposes it.
 * @throws InputError naming the file when one cannot be read or decoded.
 */
export async function loadNetworkBatch(
  items: ReadonlyArray<ImageRef>,
  inputSize: [number, number],
  load?: LoadImageOptions,
): Promise<tf.Tensor4D> {
  const images = [];
  for (const it of items) images.push(await loadImage(it.path, load));
  return preprocessBatch(images, inputSize);
}
