/**
 * JPEG Lossless (ITU-T T.81 process 14, Huffman coded; DICOM transfer syntaxes
 * 1.2.840.10008.1.2.4.57 and 1.2.840.10008.1.2.4.70) decoding with jpeg-lossless-decoder-js,
 * the decoder cornerstone and other DICOM viewers use.
 */
import { InputError, errorMessage } from '../errors';

/** The part of jpeg-lossless-decoder-js used here (the package ships no type declarations). */
interface LosslessDecoder {
  decode(
    buffer: ArrayBuffer,
    offset: number,
    length: number,
    numBytes?: number,
  ): Uint8Array | Uint16Array;
}

/** Load the decoder lazily (nothing runs at import time). */
function createDecoder(): LosslessDecoder {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('jpeg-lossless-decoder-js') as { Decoder: new () => LosslessDecoder };
  return new mod.Decoder();
}

/**
 * Decode one JPEG Lossless frame into native little-endian sample bytes.
 * @param frame The frame's bytes (all its fragments concatenated), starting with SOI (FF D8).
 * @param width Columns expected (from the DICOM header).
 * @param height Rows expected.
 * @param bytesPerSample 1 or 2 (BitsAllocated / 8).
 * @param name File name for error messages.
 * @returns width·height·bytesPerSample bytes, little-endian samples.
 * @throws InputError when the stream is not decodable or its size differs from the header.
 */
export function decodeJpegLossless(
  frame: Uint8Array,
  width: number,
  height: number,
  bytesPerSample: 1 | 2,
  name: string,
): Uint8Array {
  const copy = frame.slice();
  let samples: Uint8Array | Uint16Array;
  try {
    samples = createDecoder().decode(copy.buffer, 0, copy.byteLength, bytesPerSample);
  } catch (err) {
    throw new InputError(`${name}: JPEG Lossless pixel data not decodable (${errorMessage(err)})`);
  }
  const n = width * height;
  if (!samples || samples.length !== n) {
    throw new InputError(
      `${name}: JPEG Lossless frame has ${samples ? samples.length : 0} samples, expected ${width}x${height} = ${n}`,
    );
  }
  const out = new Uint8Array(n * bytesPerSample);
  if (bytesPerSample === 1) out.set(samples);
  else {
    for (let i = 0; i < n; i++) {
      out[2 * i] = samples[i] & 0xff;
      out[2 * i + 1] = samples[i] >> 8;
    }
  }
  return out;
}
