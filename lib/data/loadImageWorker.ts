/**
 * Task module of {@link createWorkerImageLoader}'s worker thread: load one image file and resize
 * it to the input size, returning the gray plane by transfer (no copy back to the main thread).
 */
import { loadImage, type GrayImage, type LoadImageOptions } from './loadImage';
import { resizeNearest } from './preprocessForNetwork';
import {
  withTransfer,
  type TransferResult,
  type WorkerHandler,
} from '../parallel/createWorkerPool';

/** Start data of a load-image worker. */
export interface LoadImageWorkerInit {
  /** `[height, width]` of the returned planes. */
  inputSize: [number, number];
  /** Image loading options (16-bit mode, size limit). */
  load: LoadImageOptions;
}

/** The worker's handler: a file path in, its resized gray image out (its buffer transferred). */
export function createLoadImageWorker(init: LoadImageWorkerInit): WorkerHandler<string, GrayImage> {
  return {
    async run(file: string): Promise<TransferResult<GrayImage>> {
      const img = resizeNearest(await loadImage(file, init.load), init.inputSize);
      // A plane that views a larger (pooled) buffer is copied, so only its own bytes move.
      const own =
        img.data.byteOffset === 0 && img.data.byteLength === img.data.buffer.byteLength
          ? img.data
          : img.data.slice();
      return withTransfer({ ...img, data: own }, [own.buffer as ArrayBuffer]);
    },
  };
}
