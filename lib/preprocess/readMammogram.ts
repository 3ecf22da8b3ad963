/**
 * Read a mammogram file, DICOM or PNG, into the 8-bit display image the rest of the pipeline
 * works on, with what the file says about view, side and patient.
 *
 * - DICOM: {@link readDicom}, then {@link windowToGray} (file window, else VOI LUT, else the
 *   percentile fallback), MONOCHROME1 inverted.
 * - 16-bit PNG: treated as MONOCHROME2 data without a window: the same percentile fallback, so a
 *   16-bit PNG and a DICOM of the same values give the same 8-bit image.
 * - 8-bit PNG: used as is (already a display image). RGB(A): equal channels are taken as gray,
 *   otherwise the ITU-R BT.601 luma; alpha is ignored.
 */
import { InputError } from '../errors';
import { decodePng, isPng, pngDimensions } from '../io/png';
import { checkMammogramSize } from './checkMammogramSize';
import type { Gray8Image } from './grayImage';
import { normaliseLaterality, normaliseView } from './mammogramName';
import type { MammoLaterality, MammoView } from './preprocessMammogram';
import { readDicom } from './readDicom';
import { windowToGray } from './windowToGray';

/** A decoded mammogram ready for {@link preprocessMammogram}. */
export interface DecodedMammogram {
  /** 8-bit display image (breast bright). */
  gray: Gray8Image;
  /** File type. */
  source: 'dicom' | 'png';
  /** View from ViewPosition, or null (PNG, or a view the classifier has no network for). */
  view: MammoView | null;
  /** Raw ViewPosition value (DICOM), for messages. */
  viewPosition: string | null;
  /** Side from ImageLaterality/Laterality, or null. */
  laterality: MammoLaterality | null;
  /** PatientID, or null. */
  patientId: string | null;
  /** PatientOrientation, or null. */
  patientOrientation: string | null;
  /** How the 8-bit image was made. */
  display: {
    /** `window` (file), `voi-lut` (file), `percentile` (fallback), `8-bit` (PNG as is). */
    method: 'window' | 'voi-lut' | 'percentile' | '8-bit';
    /** Value shown black (before inversion). */
    low: number;
    /** Value shown white (before inversion). */
    high: number;
    /** Whether MONOCHROME1 inversion was applied. */
    inverted: boolean;
    /** Bits per sample in the file (Bits Stored for DICOM). */
    bits: number;
    /** DICOM transfer syntax name, or null. */
    transferSyntax: string | null;
  };
  /** Non-fatal remarks. */
  warnings: string[];
}

/**
 * Whether bytes look like DICOM: `DICM` at offset 128 (Part 10).
 * @param bytes File contents.
 */
export function isDicom(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

/**
 * Decode a DICOM or PNG mammogram to 8 bits.
 * @param bytes File contents.
 * @param name File name for messages (its extension decides for headerless DICOM: `.dcm`).
 * @returns The 8-bit image and metadata.
 * @throws InputError naming the file for unreadable or unsupported files.
 */
export function readMammogram(bytes: Uint8Array, name: string): DecodedMammogram {
  if (bytes.length === 0) throw new InputError(`${name}: empty file (0 bytes)`);
  if (isPng(bytes)) {
    const dims = pngDimensions(bytes);
    if (dims) checkMammogramSize(dims[0], dims[1], name, 'largeOnly'); // before decoding a huge image
    const r = decodePng(bytes, name);
    const n = r.width * r.height;
    const gray = new (r.bitDepth === 16 ? Uint16Array : Uint8Array)(n);
    let rgb = false;
    for (let i = 0; i < n; i++) {
      if (r.channels <= 2) gray[i] = r.data[i * r.channels];
      else {
        const o = i * r.channels;
        const R = r.data[o];
        const G = r.data[o + 1];
        const B = r.data[o + 2];
        if (R !== G || G !== B) rgb = true;
        gray[i] = R === G && G === B ? R : Math.round(0.299 * R + 0.587 * G + 0.114 * B);
      }
    }
    const warnings = rgb ? ['colour PNG: converted to gray with BT.601 luma'] : [];
    const base = {
      source: 'png' as const,
      view: null,
      viewPosition: null,
      laterality: null,
      patientId: null,
      patientOrientation: null,
      warnings,
    };
    if (r.bitDepth === 8) {
      return {
        ...base,
        gray: { width: r.width, height: r.height, data: gray as Uint8Array },
        display: {
          method: '8-bit',
          low: 0,
          high: 255,
          inverted: false,
          bits: 8,
          transferSyntax: null,
        },
      };
    }
    const w = windowToGray(gray, r.width, r.height, {});
    return {
      ...base,
      gray: w.image,
      display: {
        method: w.method,
        low: w.low,
        high: w.high,
        inverted: false,
        bits: 16,
        transferSyntax: null,
      },
    };
  }
  if (!isDicom(bytes) && !/\.(dcm|dicom|ima)$/i.test(name)) {
    throw new InputError(
      `${name}: neither a PNG nor a DICOM Part 10 file (no PNG signature, no "DICM" at byte 128)`,
    );
  }
  const d = readDicom(bytes, name);
  const invert = d.photometric === 'MONOCHROME1';
  const w = windowToGray(d.values, d.width, d.height, {
    window: d.window,
    voiLut: d.voiLut,
    invert,
    padding: d.padding,
  });
  return {
    gray: w.image,
    source: 'dicom',
    view: normaliseView(d.viewPosition),
    viewPosition: d.viewPosition,
    laterality: normaliseLaterality(d.laterality),
    patientId: d.patientId,
    patientOrientation: d.patientOrientation,
    display: {
      method: w.method,
      low: w.low,
      high: w.high,
      inverted: invert,
      bits: d.bitsStored,
      transferSyntax: d.transferSyntax.name,
    },
    warnings: d.warnings,
  };
}
