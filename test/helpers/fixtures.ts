/**
 * Small input files for tests: PNGs of any bit depth and channel count (also palette PNGs,
 * which pngjs cannot write), JPEGs, class-folder datasets and saved models.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { encodePng, type Raster } from '../../lib/io/png';

/** A gradient raster with the given layout (values cover the full range of the bit depth). */
export function gradientRaster(
  width: number,
  height: number,
  channels: Raster['channels'],
  bitDepth: Raster['bitDepth'],
  seed = 0,
): Raster {
  const max = bitDepth === 16 ? 65535 : 255;
  const n = width * height * channels;
  const data = bitDepth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const v = ((x + 2 * y + 7 * c + seed) / (width + 2 * height + 21 + seed)) * max;
        data[(y * width + x) * channels + c] =
          c === 3 || (channels === 2 && c === 1) ? max : Math.round(v);
      }
    }
  }
  return { width, height, channels, bitDepth, data };
}

function chunk(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const tb = Buffer.concat([Buffer.from(type, 'ascii'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(tb) >>> 0);
  return Buffer.concat([len, tb, crc]);
}

/**
 * An 8-bit palette PNG (colour type 3) whose palette maps index i to gray level `levels[i]`.
 * @returns PNG bytes and the gray image it encodes (row-major, 0–255).
 */
export function palettePng(
  width: number,
  height: number,
  levels = [0, 60, 120, 200, 255],
): { png: Buffer; gray: Uint8Array } {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 3;
  const plte = Buffer.from(levels.flatMap((l) => [l, l, l]));
  const raw = Buffer.alloc((width + 1) * height);
  const gray = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const idx = (x + y) % levels.length;
      raw[y * (width + 1) + 1 + x] = idx;
      gray[y * width + x] = levels[idx];
    }
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const png = Buffer.concat([
    sig,
    chunk('IHDR', ihdr),
    chunk('PLTE', plte),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return { png, gray };
}

/** Write a PNG file (parents created). */
export function writePng(file: string, raster: Raster): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, encodePng(raster));
}

/** Write a JPEG file (parents created) of a gray gradient, via jimp. */
export async function writeJpeg(file: string, width: number, height: number): Promise<void> {
  const { Jimp } = await import('jimp');
  const img = new Jimp({ width, height, color: 0x000000ff });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.round((255 * (x + y)) / (width + height));
      img.setPixelColor(((v << 24) | (v << 16) | (v << 8) | 0xff) >>> 0, x, y);
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, await img.getBuffer('image/jpeg'));
}

/** A class-folder dataset `<root>/<class>/img_<i>.png` of 8-bit gray gradients. */
export function writeDataset(root: string, classes: Record<string, number>, size = 64): string[] {
  const files: string[] = [];
  for (const [cls, count] of Object.entries(classes)) {
    fs.mkdirSync(path.join(root, cls), { recursive: true });
    for (let i = 0; i < count; i++) {
      const f = path.join(root, cls, `img_${i}.png`);
      writePng(f, gradientRaster(size, size, 1, 8, i + cls.charCodeAt(0)));
      files.push(f);
    }
  }
  return files;
}
