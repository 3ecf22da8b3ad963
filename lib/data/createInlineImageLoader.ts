/**
 * Image loaders for {@link datasetBatches}: how a batch's files become gray planes at the network
 * input size. The inline loader here decodes on the calling thread; `createWorkerImageLoader`
 * decodes in a worker thread, so that the next batch is decoded while the
 * current one trains.
 */
import { loadImage, type GrayImage, type LoadImageOptions } from './loadImage';
import { resizeNearest } from './preprocessForNetwork';

/**
 * Loads image files resized to one input size (Pillow-NEAREST, as `flow_from_directory`).
 * Owner: whoever created it closes it.
 */
export interface BatchImageLoader {
  /** Input size `[height, width]` of every image returned. */
  readonly inputSize: [number, number];
  /**
   * Load `files`, in order.
   * @returns One 8-bit gray image `[height, width]` per file (new arrays; the caller owns them).
   * @throws InputError naming the file when one cannot be read or decoded.
   */
  load(files: readonly string[]): Promise<GrayImage[]>;
  /** Free the loader's resources (threads). Idempotent. */
  close(): Promise<void>;
}

/**
 * A loader that decodes on the calling thread, one file after the other.
 * @param inputSize `[height, width]`, whole numbers ≥ 1.
 * @param load Image loading options (16-bit mode, size limit).
 */
export function createInlineImageLoader(
  inputSize: [number, number],
  load: LoadImageOptions = {},
): BatchImageLoader {
  return {
    inputSize,
    async load(files) {
      const out: GrayImage[] = [];
      for (const f of files) out.push(resizeNearest(await loadImage(f, load), inputSize));
      return out;
    },
    async close() {},
  };
}
