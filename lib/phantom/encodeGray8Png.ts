/**
 * Fast writer of 8-bit grayscale PNGs for the phantom generator: every row with the PNG "Sub"
 * filter and zlib's RLE strategy at level 1, which for noisy mammogram-like images is both
 * smaller and 5–8× faster than pngjs' adaptive filtering (measured on 650×650 phantoms:
 * ~12 ms vs ~100 ms per image), so 1,000 phantoms are written in seconds. The output is a
 * standard PNG (IHDR, one IDAT, IEND; CRCs from `zlib.crc32`), read back by `decodePng`, and
 * byte-identical for identical pixels (deterministic TestSet). Use `encodePng` (lib/io/png.ts)
 * for anything else (other depths, channels).
 */
import * as zlib from 'zlib';

function crc32(buf: Buffer): number {
  // zlib.crc32 exists from Node 20.15 / 22.2; the package requires Node ≥ 20.19.
  return (zlib as unknown as { crc32(b: Buffer): number }).crc32(buf) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Encode 8-bit gray pixels as PNG.
 * @param data Row-major gray values 0–255, length width·height.
 * @returns PNG file bytes.
 */
export function encodeGray8Png(data: Uint8Array, width: number, height: number): Buffer {
  if (data.length !== width * height) {
    throw new Error(
      `encodeGray8Png: expected ${width}x${height} = ${width * height} values, got ${data.length}`,
    );
  }
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y++) {
    const o = y * (width + 1);
    const s = y * width;
    raw[o] = 1; // Sub filter
    raw[o + 1] = data[s];
    for (let x = 1; x < width; x++) raw[o + 1 + x] = (data[s + x] - data[s + x - 1]) & 255;
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // gray
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 1, strategy: zlib.constants.Z_RLE })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
