/**
 * Streaming batches of network inputs and one-hot labels from an {@link ImageDataset}, like
 * Keras `flow_from_directory` iterating with `ImageDataGenerator(rescale=1/255,
 * samplewise_center=True, …augmentation)`: per image load → Pillow-NEAREST resize → (optional)
 * random affine augmentation → `(x − mean) / 255` → gray replicated to RGB.
 * At most two batches of pixels exist at a time (the one yielded and the next one, which the
 * loader prepares meanwhile), so a 1,000-image set of 650×650 images is never in memory at once.
 */
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { augmentImage, randomTransform, type AugmentOptions } from './augmentImage';
import { createRng, shuffledIndices, type Rng } from './createRng';
import { createInlineImageLoader, type BatchImageLoader } from './createInlineImageLoader';
import type { GrayImage, LoadImageOptions } from './loadImage';
import { replicateChannels, standardizeSample } from './preprocessForNetwork';
import type { DatasetItem, ImageDataset } from './readImageDataset';

/** Options of {@link datasetBatches}. */
export interface DatasetBatchesOptions {
  /** Images per batch (the last batch may be smaller). */
  batchSize: number;
  /** Model input `[height, width]`. */
  inputSize: [number, number];
  /** Shuffle the order (seeded Fisher–Yates). Default false (Keras order). */
  shuffle?: boolean;
  /** Seed for shuffling and augmentation when `rng` is not given. Default 0. */
  seed?: number;
  /**
   * Generator to draw from instead of `seed` (its state advances: save `rng.state()` to resume).
   * Draw order: the permutation (when shuffling) first, then per image in batch order its
   * augmentation parameters.
   */
  rng?: Rng;
  /** Augmentation, e.g. `ORIGINAL_AUGMENTATION`; null/undefined for none. */
  augment?: AugmentOptions | null;
  /** Skip the first batches (their random draws are still made, pixels are not loaded). */
  startBatch?: number;
  /** Image loading options (16-bit mode, size limit) of the default, inline loader. */
  load?: LoadImageOptions;
  /**
   * Loader of the images, at `inputSize` (e.g. `createWorkerImageLoader`, which decodes in a
   * worker thread). The next batch is requested when a batch is yielded, so a worker loader
   * decodes it while the caller works on the current one. Default: inline, on this thread.
   * Not closed here.
   */
  loader?: BatchImageLoader;
}

/** One batch. */
export interface DatasetBatch {
  /** float32 `[n, h, w, 3]` network input. The caller disposes it. */
  xs: tf.Tensor4D;
  /** float32 `[n, classes]` one-hot labels. The caller disposes it. */
  ys: tf.Tensor2D;
  /** The images of this batch, in order. */
  items: DatasetItem[];
  /** Batch index within this pass (0-based, counting skipped batches). */
  index: number;
}

/**
 * Number of batches of a pass.
 * @returns `ceil(items / batchSize)`.
 */
export function batchCount(ds: ImageDataset, batchSize: number): number {
  return Math.ceil(ds.items.length / batchSize);
}

/**
 * Iterate once over a dataset in batches.
 * @param ds Listing from `readImageDataset`.
 * @param options Batch size, input size, shuffle, seed or rng, augmentation.
 * @yields {@link DatasetBatch}; the caller disposes `xs` and `ys`.
 * @throws InputError naming the file when an image cannot be decoded.
 */
export async function* datasetBatches(
  ds: ImageDataset,
  options: DatasetBatchesOptions,
): AsyncGenerator<DatasetBatch> {
  const { batchSize, inputSize } = options;
  tf.util.assert(
    Number.isInteger(batchSize) && batchSize >= 1,
    () => `datasetBatches: expected batchSize a whole number ≥ 1, got ${batchSize}`,
  );
  tf.util.assert(
    Array.isArray(inputSize) &&
      inputSize.length === 2 &&
      inputSize.every((v) => Number.isInteger(v) && v >= 1),
    () => `datasetBatches: expected inputSize [h, w], got ${JSON.stringify(inputSize)}`,
  );
  if (ds.items.length === 0) throw new InputError(`${ds.dir}: dataset has no images`);
  const rng = options.rng ?? createRng(options.seed ?? 0);
  const order = options.shuffle ? shuffledIndices(ds.items.length, rng) : ds.items.map((_, i) => i);
  const loader = options.loader ?? createInlineImageLoader(inputSize, options.load);
  tf.util.assert(
    loader.inputSize[0] === inputSize[0] && loader.inputSize[1] === inputSize[1],
    () =>
      `datasetBatches: the loader makes ${loader.inputSize.join('×')} images, expected ${inputSize.join('×')}`,
  );
  const nBatches = batchCount(ds, batchSize);
  const itemsOf = (b: number): DatasetItem[] =>
    order.slice(b * batchSize, (b + 1) * batchSize).map((i) => ds.items[i]);
  const first = Math.min(options.startBatch ?? 0, nBatches);
  // Skipped batches still make their random draws (one per image), before any loaded batch.
  if (options.augment) {
    const skipped = Math.min(first * batchSize, ds.items.length);
    for (let k = 0; k < skipped; k++) randomTransform(rng, options.augment, inputSize);
  }
  let pending = first < nBatches ? requestBatch(loader, itemsOf(first)) : null;
  try {
    for (let b = first; b < nBatches; b++) {
      const items = itemsOf(b);
      const images = await pending!;
      pending = b + 1 < nBatches ? requestBatch(loader, itemsOf(b + 1)) : null;
      const { x, y } = batchArrays(
        images,
        items,
        inputSize,
        ds.classNames.length,
        rng,
        options.augment,
      );
      yield {
        xs: tf.tensor4d(x, [items.length, inputSize[0], inputSize[1], 3], 'float32'),
        ys: tf.tensor2d(y, [items.length, ds.classNames.length], 'float32'),
        items,
        index: b,
      };
    }
  } finally {
    // A look-ahead batch the caller stopped before: let it finish (the loader is then idle for
    // the next pass); its result, or a failure to load it, concerns no batch that was used.
    await pending?.then(
      () => undefined,
      () => undefined,
    );
  }
}

/**
 * Ask the loader for a batch; the returned promise has a handler attached at once, so that a
 * failure before the caller awaits it is not an unhandled rejection (awaiting it still throws).
 */
function requestBatch(loader: BatchImageLoader, items: DatasetItem[]): Promise<GrayImage[]> {
  const p = loader.load(items.map((it) => it.path));
  p.catch(() => undefined);
  return p;
}

/** Network input `[n, h, w, 3]` and one-hot labels `[n, classes]` of loaded images. */
function batchArrays(
  images: GrayImage[],
  items: DatasetItem[],
  inputSize: [number, number],
  nClasses: number,
  rng: Rng,
  augment: AugmentOptions | null | undefined,
): { x: Float32Array; y: Float32Array } {
  const [h, w] = inputSize;
  const per = h * w * 3;
  const x = new Float32Array(per * items.length);
  const y = new Float32Array(nClasses * items.length);
  for (let k = 0; k < items.length; k++) {
    const img = images[k];
    tf.util.assert(
      img !== undefined && img.width === w && img.height === h && img.data.length === h * w,
      () =>
        `datasetBatches: the loader returned ${img ? `${img.width}×${img.height}` : 'nothing'} for ${items[k].path}, expected ${w}×${h}`,
    );
    let plane: ArrayLike<number> = img.data;
    if (augment) plane = augmentImage(plane, inputSize, rng, augment).plane;
    x.set(replicateChannels(standardizeSample(plane)), k * per);
    y[k * nClasses + items[k].label] = 1;
  }
  return { x, y };
}
