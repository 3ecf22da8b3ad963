/**
 * Image loading for the network and for overlays: every supported file becomes an 8-bit
 * grayscale {@link GrayImage}, the way the original Keras scripts saw it.
 *
 * - PNG (any bit depth, gray / gray+alpha / RGB / RGBA / palette) through `decodePng`
 *   (pngjs, keeps 16 bits); JPEG, BMP, TIFF, GIF through jimp.
 * - **Colour → gray.** Keras `load_img(color_mode='rgb')` hands the network three channels. For the
 *   grayscale mammograms of the use case the three channels are equal, so one gray plane loses
 *   nothing. For a genuinely coloured file we use Pillow's `convert('L')` formula (ITU-R 601-2
 *   luma, integer form `L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16`), i.e. what a gray
 *   image saved from it would contain. Alpha is dropped without compositing, as Pillow's
 *   RGBA → RGB conversion does.
 * - **16 bits → 8 bits.** Pillow opens a 16-bit gray PNG as mode `I` and its `convert('RGB')`
 *   *clips* at 255, which turns every real 16-bit mammogram into a white silhouette; no one
 *   trains on that, so we do not copy it. The default `sixteenBit: 'scale'` maps linearly and
 *   rounds, `v8 = round(v16 · 255 / 65535)` (= `(v16 + 128) / 257` truncated, which differs from
 *   `v16 >> 8` by at most 1), the conversion image tools (ImageMagick, GIMP, pngjs without
 *   `skipRescale`) use. `'window'` stretches the image's own [min, max] to [0, 255] (useful for
 *   12-bit data stored in 16-bit containers, which 'scale' leaves dark); `'clip'` reproduces
 *   Pillow (`min(v16, 255)`).
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError, errorMessage } from '../errors';
import { decodePng, isPng, pngDimensions } from '../io/png';

/** An 8-bit grayscale image, row-major. */
export interface GrayImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Gray values 0–255, row-major, length width·height. */
  data: Uint8Array;
  /** Bits per sample of the source file (8, or 16 for 16-bit PNG). */
  sourceBitDepth: 8 | 16;
  /** Channels of the source file (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA). */
  sourceChannels: number;
  /** File the image came from, when it came from a file. */
  path?: string;
}

/** How a 16-bit image becomes 8 bits; see the module comment. */
export type SixteenBitMode = 'scale' | 'window' | 'clip';

/** Options of {@link loadImage}. */
export interface LoadImageOptions {
  /** 16-bit → 8-bit conversion. Default `'scale'`. */
  sixteenBit?: SixteenBitMode;
  /** Largest accepted image in pixels (width·height). Default {@link MAX_IMAGE_PIXELS}. */
  maxPixels?: number;
}

/** Largest image accepted by default: 100 megapixels (a 10,000 × 10,000 image is 100 MB gray). */
export const MAX_IMAGE_PIXELS = 100_000_000;

/** File extensions read as images by the dataset reader (those of Keras `flow_from_directory`). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.bmp', '.ppm', '.tif', '.tiff'];

/**
 * Pillow's `convert('L')` luma of one RGB pixel (ITU-R 601-2, integer arithmetic).
 * @returns Gray value 0–255.
 */
export function lumaPil(r: number, g: number, b: number): number {
  return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >>> 16;
}

function checkSize(width: number, height: number, name: string, maxPixels: number): void {
  if (!(width > 0 && height > 0)) {
    throw new InputError(`${name}: image has no pixels (${width}x${height})`);
  }
  if (width * height > maxPixels) {
    throw new InputError(
      `${name}: image too large (${width}x${height} = ${((width * height) / 1e6).toFixed(1)} Mpixel, limit ${(maxPixels / 1e6).toFixed(0)} Mpixel); downscale it first`,
    );
  }
}

function sixteenToEight(src: Uint16Array, channels: number, mode: SixteenBitMode): Uint8Array {
  const out = new Uint8Array(src.length);
  if (mode === 'clip') {
    for (let i = 0; i < src.length; i++) out[i] = src[i] > 255 ? 255 : src[i];
  } else if (mode === 'window') {
    // Window over colour samples only (alpha, when present, is the last channel and is ignored).
    const colour = channels === 2 || channels === 4 ? channels - 1 : channels;
    let lo = 65535;
    let hi = 0;
    for (let i = 0; i < src.length; i++) {
      if (i % channels >= colour) continue;
      if (src[i] < lo) lo = src[i];
      if (src[i] > hi) hi = src[i];
    }
    const span = hi > lo ? hi - lo : 1;
    for (let i = 0; i < src.length; i++) {
      out[i] = Math.round(((Math.min(Math.max(src[i], lo), hi) - lo) * 255) / span);
    }
  } else {
    for (let i = 0; i < src.length; i++) out[i] = Math.round((src[i] * 255) / 65535);
  }
  return out;
}

/** Collapse interleaved 8-bit samples (1–4 channels) to one gray plane; see the module comment. */
function toGray(data: Uint8Array, n: number, channels: number): Uint8Array {
  if (channels === 1) return data;
  const out = new Uint8Array(n);
  if (channels === 2) {
    for (let i = 0; i < n; i++) out[i] = data[2 * i];
    return out;
  }
  for (let i = 0; i < n; i++) {
    const k = i * channels;
    out[i] = lumaPil(data[k], data[k + 1], data[k + 2]);
  }
  return out;
}

/**
 * Decode image bytes (PNG through pngjs, anything else jimp reads) into a {@link GrayImage}.
 * @param bytes File contents.
 * @param name Path or name for error messages.
 * @throws InputError naming `name` for empty, truncated, non-image or too-large input.
 */
export async function decodeImage(
  bytes: Uint8Array,
  name: string,
  options: LoadImageOptions = {},
): Promise<GrayImage> {
  const maxPixels = options.maxPixels ?? MAX_IMAGE_PIXELS;
  if (bytes.length === 0) throw new InputError(`${name}: empty file (0 bytes)`);
  if (isPng(bytes) || name.toLowerCase().endsWith('.png')) {
    const dims = isPng(bytes) ? pngDimensions(bytes) : null;
    if (dims) checkSize(dims[0], dims[1], name, maxPixels);
    const r = decodePng(bytes, name);
    const n = r.width * r.height;
    const eight =
      r.bitDepth === 16
        ? sixteenToEight(r.data as Uint16Array, r.channels, options.sixteenBit ?? 'scale')
        : (r.data as Uint8Array);
    return {
      width: r.width,
      height: r.height,
      data: toGray(eight, n, r.channels),
      sourceBitDepth: r.bitDepth,
      sourceChannels: r.channels,
    };
  }
  const isJpeg = bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  let bitmap: { width: number; height: number; data: Uint8Array };
  try {
    // jimp is loaded lazily: it is large and only needed for non-PNG files.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Jimp } = require('jimp') as typeof import('jimp');
    const img = await Jimp.fromBuffer(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    );
    bitmap = img.bitmap as unknown as { width: number; height: number; data: Uint8Array };
  } catch (err) {
    const what = isJpeg ? 'unreadable JPEG' : 'not a readable image (PNG, JPEG, BMP, TIFF, GIF)';
    throw new InputError(`${name}: ${what} (${errorMessage(err).split('\n')[0]})`);
  }
  checkSize(bitmap.width, bitmap.height, name, maxPixels);
  const n = bitmap.width * bitmap.height;
  const rgba = new Uint8Array(bitmap.data.buffer, bitmap.data.byteOffset, n * 4);
  // jimp always returns RGBA; a file whose three colour channels are equal everywhere was gray.
  let gray = true;
  for (let i = 0; i < n && gray; i++) {
    gray = rgba[4 * i] === rgba[4 * i + 1] && rgba[4 * i] === rgba[4 * i + 2];
  }
  return {
    width: bitmap.width,
    height: bitmap.height,
    data: toGray(rgba, n, 4),
    sourceBitDepth: 8,
    sourceChannels: gray ? 1 : 3,
  };
}

/**
 * Load an image file as 8-bit gray (see the module comment for colour and 16-bit handling).
 * @param file Path of a PNG, JPEG, BMP or TIFF file.
 * @param options 16-bit conversion mode and size limit.
 * @returns The image with `path` set; the caller keeps it for overlays.
 * @throws InputError naming the path for a missing, unreadable, empty, non-image or too-large file.
 */
export async function loadImage(file: string, options: LoadImageOptions = {}): Promise<GrayImage> {
  let bytes: Buffer;
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new InputError(`${file}: is a directory, expected an image file`);
    bytes = fs.readFileSync(file);
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT'
        ? `${file}: image file does not exist`
        : `${file}: cannot read image file (${code ?? errorMessage(err)})`,
    );
  }
  const img = await decodeImage(bytes, file, options);
  return { ...img, path: file };
}

/**
 * Whether a file name has one of the image extensions of {@link IMAGE_EXTENSIONS} (case-insensitive).
 */
export function hasImageExtension(file: string): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(file).toLowerCase());
}
