/**
 * DICOM RLE Lossless decoding (PS3.5 Annex G): a 64-byte header with up to 15 segment offsets,
 * each segment PackBits-compressed, one segment per byte plane (most significant byte first).
 */
import { InputError } from '../errors';

/**
 * Decode one RLE Lossless frame into native bytes (little-endian samples).
 * @param frame The frame's bytes (all its fragments concatenated).
 * @param pixels Number of pixels in the frame (rows·columns).
 * @param bytesPerSample 1 or 2 (BitsAllocated / 8); samples per pixel must be 1.
 * @param name File name for error messages.
 * @returns pixels·bytesPerSample bytes, sample i at i·bytesPerSample, little-endian.
 * @throws InputError when the header or a segment is malformed.
 */
export function decodeRle(
  frame: Uint8Array,
  pixels: number,
  bytesPerSample: 1 | 2,
  name: string,
): Uint8Array {
  if (frame.length < 64) throw new InputError(`${name}: RLE frame shorter than its 64-byte header`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = view.getUint32(0, true);
  if (segments !== bytesPerSample) {
    throw new InputError(
      `${name}: RLE frame has ${segments} segments, expected ${bytesPerSample} (one per byte of a gray sample)`,
    );
  }
  const out = new Uint8Array(pixels * bytesPerSample);
  for (let s = 0; s < segments; s++) {
    const start = view.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? view.getUint32(8 + 4 * s, true) : frame.length;
    if (start < 64 || end > frame.length || end < start) {
      throw new InputError(`${name}: RLE segment ${s} offsets ${start}..${end} outside the frame`);
    }
    // Segment 0 holds the most significant byte; in little-endian output that is the last byte.
    const byteIndex = bytesPerSample - 1 - s;
    let p = start;
    let i = 0;
    while (p < end && i < pixels) {
      const n = (frame[p++] << 24) >> 24; // signed header byte
      if (n >= 0) {
        for (let k = 0; k <= n && i < pixels && p < end; k++)
          out[i++ * bytesPerSample + byteIndex] = frame[p++];
      } else if (n !== -128) {
        const v = frame[p++];
        for (let k = 0; k < 1 - n && i < pixels; k++) out[i++ * bytesPerSample + byteIndex] = v;
      }
    }
    if (i < pixels) {
      throw new InputError(
        `${name}: RLE segment ${s} decodes to ${i} of ${pixels} pixels (truncated)`,
      );
    }
  }
  return out;
}
