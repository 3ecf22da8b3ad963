/**
 * The network input, built exactly as the original Keras scripts built it:
 *
 * 1. `load_img(path, target_size=(h, w))` with the default `interpolation='nearest'`: the image
 *    is converted to RGB (gray replicated to three channels) and resized with Pillow's
 *    `Image.NEAREST` to (w, h), aspect ratio not kept ({@link resizeNearest}).
 * 2. `img_to_array` → float32, then `ImageDataGenerator(rescale=1/255, samplewise_center=True)`
 *    `.standardize`: `x = x / 255; x -= mean(x)` with the mean over the whole sample (all rows,
 *    columns and channels), i.e. `(x − mean(x)) / 255` ({@link standardizeSample}).
 *
 * **Pillow NEAREST, exactly.** Pillow (≥ 2.7, `_imaging.c` `_resize` → `ImagingTransformAffine`
 * → `ImagingScaleAffine` in `Geometry.c`) resizes with nearest neighbour by walking the output
 * pixel centres: `xo = box0 + a·0.5`, `a = inWidth / outWidth` (double), and for each output
 * column `x`: `src = (int) xo` (truncation; `xo` is never negative here), then `xo += a`. So the
 * source of output pixel `x` is `floor((x + 0.5) · in / out)` up to the rounding of the running
 * double sum; {@link pilNearestIndices} repeats that running sum in double precision, so it agrees
 * with Pillow even where `(x + 0.5) · in / out` lands exactly on an integer. Rows likewise.
 * (This is the centre-aligned rule; it is *not* `floor(x · in / out)` nor tf.image's
 * `resizeNearestNeighbor` with `alignCorners=false`, `halfPixelCenters=false`.)
 */
import * as tf from '@tensorflow/tfjs';
import type { GrayImage } from './loadImage';

/**
 * Source index of every output pixel along one axis, as Pillow's NEAREST resize computes it.
 * @param inSize Source length (pixels, ≥ 1).
 * @param outSize Target length (pixels, ≥ 1).
 * @returns Int32Array of length `outSize`, values in [0, inSize − 1].
 */
export function pilNearestIndices(inSize: number, outSize: number): Int32Array {
  tf.util.assert(
    Number.isInteger(inSize) && inSize >= 1 && Number.isInteger(outSize) && outSize >= 1,
    () => `pilNearestIndices: expected whole sizes ≥ 1, got in ${inSize}, out ${outSize}`,
  );
  const out = new Int32Array(outSize);
  const a = inSize / outSize;
  let xo = a * 0.5;
  for (let x = 0; x < outSize; x++) {
    const xin = xo < 0 ? -1 : Math.trunc(xo);
    // Pillow leaves a pixel it cannot map untouched; with box = whole image that never happens.
    out[x] = Math.min(Math.max(xin, 0), inSize - 1);
    xo += a;
  }
  return out;
}

/**
 * Resize a gray image with Pillow's NEAREST rule (Keras `load_img(target_size=…)` default).
 * @param img Source image.
 * @param size Target `[height, width]` in pixels.
 * @returns A new image of that size (same `path`, source depth and channels); the source when the
 *   size already matches (Keras skips the resize then too).
 */
export function resizeNearest(img: GrayImage, size: [number, number]): GrayImage {
  const [h, w] = size;
  tf.util.assert(
    Number.isInteger(h) && h >= 1 && Number.isInteger(w) && w >= 1,
    () => `resizeNearest: expected [height, width] of whole numbers ≥ 1, got [${size}]`,
  );
  if (img.width === w && img.height === h) return img;
  const xs = pilNearestIndices(img.width, w);
  const ys = pilNearestIndices(img.height, h);
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = ys[y] * img.width;
    const o = y * w;
    for (let x = 0; x < w; x++) data[o + x] = img.data[row + xs[x]];
  }
  return { ...img, width: w, height: h, data };
}

/**
 * Keras `rescale=1/255` + `samplewise_center=True` on one gray plane: `(x − mean(x)) / 255`.
 * With three identical channels the mean over the sample equals the mean over the plane.
 * The mean is accumulated in double precision (Keras uses float32; results differ by < 1e-6).
 * @param plane Gray values, any range (0–255 for images; augmented planes are fractional).
 * @returns New Float32Array of the same length, zero mean, values in about [−1, 1].
 */
export function standardizeSample(plane: ArrayLike<number>): Float32Array {
  const n = plane.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += plane[i];
  const mean = n > 0 ? sum / n : 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (plane[i] - mean) / 255;
  return out;
}

/**
 * Replicate a standardized gray plane into an `[h, w, 3]` array (RGB, channels equal).
 * @returns Float32Array of length h·w·3, channel-last.
 */
export function replicateChannels(plane: Float32Array): Float32Array {
  const out = new Float32Array(plane.length * 3);
  for (let i = 0; i < plane.length; i++) {
    out[3 * i] = plane[i];
    out[3 * i + 1] = plane[i];
    out[3 * i + 2] = plane[i];
  }
  return out;
}

function checkSize(inputSize: [number, number]): void {
  tf.util.assert(
    Array.isArray(inputSize) &&
      inputSize.length === 2 &&
      inputSize.every((v) => Number.isInteger(v) && v >= 1),
    () =>
      `expected inputSize [height, width] of whole numbers ≥ 1, got ${JSON.stringify(inputSize)}`,
  );
}

/**
 * The original network input of one image: Pillow-NEAREST resize to `inputSize`, gray replicated
 * to RGB, `(x − mean(x)) / 255` over the sample.
 * @param img 8-bit gray image (any size).
 * @param inputSize `[height, width]` of the model input (read it from the model metadata).
 * @returns float32 tensor `[h, w, 3]`, zero mean, values in about [−1, 1]. The caller disposes it.
 */
export function preprocessForNetwork(img: GrayImage, inputSize: [number, number]): tf.Tensor3D {
  checkSize(inputSize);
  const [h, w] = inputSize;
  const plane = standardizeSample(resizeNearest(img, inputSize).data);
  return tf.tensor3d(replicateChannels(plane), [h, w, 3], 'float32');
}

/**
 * {@link preprocessForNetwork} for several images, stacked.
 * @param imgs One or more gray images.
 * @param inputSize `[height, width]` of the model input.
 * @returns float32 tensor `[n, h, w, 3]`. The caller disposes it.
 */
export function preprocessBatch(imgs: GrayImage[], inputSize: [number, number]): tf.Tensor4D {
  checkSize(inputSize);
  tf.util.assert(imgs.length > 0, () => 'preprocessBatch: expected at least one image, got 0');
  const [h, w] = inputSize;
  const per = h * w * 3;
  const buf = new Float32Array(per * imgs.length);
  imgs.forEach((img, i) => {
    buf.set(replicateChannels(standardizeSample(resizeNearest(img, inputSize).data)), i * per);
  });
  return tf.tensor4d(buf, [imgs.length, h, w, 3], 'float32');
}
