/**
 * PNG decoding and encoding with the bit depth kept (pngjs). jimp, used elsewhere for JPEG and
 * drawing, silently reduces 16-bit PNGs to 8 bits, so every PNG is read here instead.
 */
import { PNG } from 'pngjs';
import { InputError, errorMessage } from '../errors';

/** A decoded raster. */
export interface Raster {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Samples per pixel: 1 gray, 3 RGB, 4 RGBA. */
  channels: 1 | 2 | 3 | 4;
  /** Bits per sample: 8 (values 0–255) or 16 (values 0–65535). */
  bitDepth: 8 | 16;
  /** Row-major interleaved samples, length width·height·channels. */
  data: Uint8Array | Uint16Array;
}

/** PNG signature bytes. */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Whether `bytes` start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * Width and height from a PNG's IHDR chunk, without decoding.
 * @param bytes File contents (PNG signature already checked by the caller).
 * @returns `[width, height]`, or null when the file is too short to hold an IHDR.
 */
export function pngDimensions(bytes: Uint8Array): [number, number] | null {
  if (bytes.length < 24) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [dv.getUint32(16), dv.getUint32(20)];
}

/**
 * Decode a PNG, keeping its bit depth and channel count (palette images expand to RGB(A)).
 * @param bytes File contents.
 * @param name File name for error messages.
 * @returns The raster: 8- or 16-bit samples, 1–4 channels as stored (gray stays 1 channel).
 * @throws InputError naming the file when it is not a valid PNG (truncated, corrupt, empty).
 */
export function decodePng(bytes: Uint8Array, name = 'PNG'): Raster {
  if (bytes.length === 0) throw new InputError(`${name}: empty file (0 bytes)`);
  if (!isPng(bytes)) throw new InputError(`${name}: not a PNG file (bad signature)`);
  let png: PNG;
  try {
    // skipRescale keeps 16-bit samples; the pngjs output is always RGBA-interleaved.
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      skipRescale: true,
    });
  } catch (err) {
    throw new InputError(`${name}: unreadable PNG (${errorMessage(err)})`);
  }
  const meta = png as unknown as {
    depth: number;
    color: boolean;
    alpha: boolean;
    palette: boolean;
  };
  const bitDepth: 8 | 16 = meta.depth === 16 ? 16 : 8;
  const channels: 1 | 2 | 3 | 4 =
    meta.color || meta.palette ? (meta.alpha ? 4 : 3) : meta.alpha ? 2 : 1;
  const n = png.width * png.height;
  const src = png.data as unknown as ArrayLike<number>;
  const out = bitDepth === 16 ? new Uint16Array(n * channels) : new Uint8Array(n * channels);
  // pngjs scales sub-8-bit gray (1, 2, 4 bits) to 0-255 already when depth < 8.
  const pick =
    channels === 1 ? [0] : channels === 2 ? [0, 3] : channels === 3 ? [0, 1, 2] : [0, 1, 2, 3];
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) out[i * channels + c] = src[i * 4 + pick[c]];
  }
  return { width: png.width, height: png.height, channels, bitDepth, data: out };
}

/**
 * Encode a raster as PNG (gray, gray+alpha, RGB or RGBA; 8 or 16 bits).
 * @param raster Samples as described by {@link Raster}; 16-bit data must be a Uint16Array.
 * @returns PNG file bytes (deterministic for the same input).
 */
export function encodePng(raster: Raster): Buffer {
  const { width, height, channels, bitDepth, data } = raster;
  if (data.length !== width * height * channels) {
    throw new Error(
      `encodePng: expected ${width}x${height}x${channels} = ${width * height * channels} samples, got ${data.length}`,
    );
  }
  if (bitDepth === 16 && !(data instanceof Uint16Array)) {
    throw new Error('encodePng: 16-bit data must be a Uint16Array');
  }
  const colorType = channels === 1 ? 0 : channels === 2 ? 4 : channels === 3 ? 2 : 6;
  if (bitDepth === 16) {
    // pngjs' 16-bit writer reads the buffer as native-endian Uint16 samples and writes big-endian.
    const png = new PNG({
      width,
      height,
      bitDepth: 16,
      colorType,
      inputColorType: colorType,
      inputHasAlpha: channels === 2 || channels === 4,
    });
    const copy = Uint16Array.from(data);
    png.data = Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength);
    return PNG.sync.write(png, {
      bitDepth: 16,
      colorType,
      inputColorType: colorType,
      inputHasAlpha: channels === 2 || channels === 4,
    });
  }
  const png = new PNG({
    width,
    height,
    colorType,
    inputColorType: colorType,
    inputHasAlpha: channels === 2 || channels === 4,
  });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return PNG.sync.write(png, {
    colorType,
    inputColorType: colorType,
    inputHasAlpha: channels === 2 || channels === 4,
    deflateLevel: 9,
  });
}
