/** Size limits of the images `preprocess` accepts (checked before decoding the pixels). */
import { MAX_IMAGE_PIXELS } from '../data/loadImage';
import { InputError } from '../errors';

/** Smallest width and height the breast segmentation can work on (its filters are 8 px wide). */
const MIN_SIDE = 8;

/**
 * Refuse an image too large to process (over 100 Mpixel, the limit of `predict`'s image loader)
 * or too small to segment (under 8 × 8).
 * @param width Width in pixels (from the PNG header or DICOM Columns).
 * @param height Height in pixels.
 * @param name Path for the message.
 * @param limits `largeOnly` in the decoders (before decoding; the other checks of the file come
 *   first), `both` once the file is known to be a mammogram of a supported view.
 * @throws InputError naming the file, its size and the limit.
 */
export function checkMammogramSize(
  width: number,
  height: number,
  name: string,
  limits: 'both' | 'largeOnly' = 'both',
): void {
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new InputError(
      `${name}: image too large (${width}x${height} = ${((width * height) / 1e6).toFixed(1)} Mpixel, limit ${MAX_IMAGE_PIXELS / 1e6} Mpixel); downscale it first`,
    );
  }
  if (limits === 'both' && (width < MIN_SIDE || height < MIN_SIDE)) {
    throw new InputError(
      `${name}: image too small (${width}x${height}); a mammogram needs at least ${MIN_SIDE}x${MIN_SIDE} pixels`,
    );
  }
}
