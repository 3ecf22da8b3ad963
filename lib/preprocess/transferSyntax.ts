/**
 * DICOM transfer syntaxes: which ones the reader decodes, and a readable name for every common
 * UID so that an unsupported file gets a message naming both (PS3.6 Annex A).
 */
import { InputError } from '../errors';

/** How the pixel data of a supported transfer syntax is stored. */
export type PixelEncoding = 'native-little' | 'native-big' | 'rle' | 'jpeg-lossless';

/** Transfer syntaxes the reader decodes, UID → name and pixel encoding. */
export const SUPPORTED_TRANSFER_SYNTAXES: Readonly<
  Record<string, { name: string; encoding: PixelEncoding }>
> = {
  '1.2.840.10008.1.2': { name: 'Implicit VR Little Endian', encoding: 'native-little' },
  '1.2.840.10008.1.2.1': { name: 'Explicit VR Little Endian', encoding: 'native-little' },
  '1.2.840.10008.1.2.1.99': {
    name: 'Deflated Explicit VR Little Endian',
    encoding: 'native-little',
  },
  '1.2.840.10008.1.2.2': { name: 'Explicit VR Big Endian (retired)', encoding: 'native-big' },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', encoding: 'rle' },
  '1.2.840.10008.1.2.4.57': {
    name: 'JPEG Lossless, Non-Hierarchical (Process 14)',
    encoding: 'jpeg-lossless',
  },
  '1.2.840.10008.1.2.4.70': {
    name: 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 SV1)',
    encoding: 'jpeg-lossless',
  },
};

/** Names of common transfer syntaxes the reader does NOT decode (for the error message). */
export const UNSUPPORTED_TRANSFER_SYNTAX_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline (Process 1)',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended (Process 2 & 4)',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless Only',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.100': 'MPEG2 Main Profile',
  '1.2.840.10008.1.2.4.201': 'High-Throughput JPEG 2000 Lossless Only',
};

/**
 * The transfer syntax entry for `uid`, or an {@link InputError} naming the file, the UID and the
 * syntax, with what to do about it.
 * @param uid Transfer Syntax UID (0002,0010), trailing NUL/space removed.
 * @param name File name for the message.
 */
export function checkTransferSyntax(
  uid: string,
  name: string,
): { uid: string; name: string; encoding: PixelEncoding } {
  const hit = SUPPORTED_TRANSFER_SYNTAXES[uid];
  if (hit) return { uid, ...hit };
  const known = UNSUPPORTED_TRANSFER_SYNTAX_NAMES[uid];
  const supported = Object.entries(SUPPORTED_TRANSFER_SYNTAXES)
    .map(([u, s]) => `${s.name} ${u}`)
    .join(', ');
  throw new InputError(
    `${name}: unsupported DICOM transfer syntax ${uid}${known ? ` (${known})` : ''}; ` +
      `supported: ${supported}. Convert it first, e.g. \`gdcmconv --raw in.dcm out.dcm\` or \`dcmdjpeg\`/\`dcmdrle\` (DCMTK)`,
  );
}
