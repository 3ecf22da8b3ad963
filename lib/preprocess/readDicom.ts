/**
 * Read a DICOM mammogram (Part 10 file, or a bare data set in Implicit VR Little Endian) with
 * dicom-parser: pixel data (8/16-bit, signed/unsigned, any BitsStored ≤ BitsAllocated), the
 * modality LUT (Rescale Slope/Intercept), the VOI attributes (Window Center/Width, VOI LUT
 * Function, VOI LUT Sequence), the photometric interpretation and the view/laterality tags.
 * Display conversion is done by {@link windowToGray}.
 */
import * as dicomParser from 'dicom-parser';
import { checkMammogramSize } from './checkMammogramSize';
import { InputError, errorMessage } from '../errors';
import { checkTransferSyntax } from './transferSyntax';
import { decodeJpegLossless } from './decodeJpegLossless';
import { decodeRle } from './decodeRle';

/** A VOI LUT table (PS3.3 C.11.2.1.1): entry i maps stored/modality value firstMapped+i. */
export interface VoiLutTable {
  /** Input value mapped by the first entry. */
  firstMapped: number;
  /** Bits per entry (output range 0 … 2^bits−1). */
  bits: number;
  /** The entries. */
  data: Uint16Array;
}

/** A VOI window (PS3.3 C.11.2.1.2). */
export interface VoiWindow {
  /** Window Center (0028,1050), first value. */
  center: number;
  /** Window Width (0028,1051), first value (≥ 1). */
  width: number;
  /** VOI LUT Function (0028,1056). */
  fn: 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';
}

/** A decoded single-frame grayscale DICOM image. */
export interface DicomImage {
  /** Columns (0028,0011). */
  width: number;
  /** Rows (0028,0010). */
  height: number;
  /**
   * Pixel values after the modality LUT (stored value × Rescale Slope + Rescale Intercept),
   * row-major, length width·height. Not yet windowed or inverted.
   */
  values: Float32Array;
  /** 1 where the stored value equals Pixel Padding Value (0028,0120), or null when absent. */
  padding: Uint8Array | null;
  /** MONOCHROME1 (minimum value is white: inverted) or MONOCHROME2. */
  photometric: 'MONOCHROME1' | 'MONOCHROME2';
  /** Bits Allocated (0028,0100): 8 or 16. */
  bitsAllocated: 8 | 16;
  /** Bits Stored (0028,0101), e.g. 12, 14, 16. */
  bitsStored: number;
  /** Pixel Representation (0028,0103): 0 unsigned, 1 two's complement. */
  pixelRepresentation: 0 | 1;
  /** Rescale Slope (default 1). */
  rescaleSlope: number;
  /** Rescale Intercept (default 0). */
  rescaleIntercept: number;
  /** The first VOI window in the file, or null. */
  window: VoiWindow | null;
  /** The first VOI LUT Sequence item, or null. */
  voiLut: VoiLutTable | null;
  /** ViewPosition (0018,5101), e.g. `CC`, `MLO`, or null. */
  viewPosition: string | null;
  /** ImageLaterality (0020,0062), else Laterality (0020,0060): `L`, `R`, `B`, or null. */
  laterality: string | null;
  /** PatientID (0010,0020), or null. */
  patientId: string | null;
  /** PatientOrientation (0020,0020), e.g. `A\R`, or null. */
  patientOrientation: string | null;
  /** Presentation Intent Type (0008,0068): `FOR PRESENTATION`, `FOR PROCESSING`, or null. */
  presentationIntent: string | null;
  /** Transfer syntax UID and name. */
  transferSyntax: { uid: string; name: string };
  /** Non-fatal remarks (parser warnings, unusual attributes). */
  warnings: string[];
}

const IMPLICIT_LE = '1.2.840.10008.1.2';

function str(ds: dicomParser.DataSet, tag: string): string | null {
  const s = ds.string(tag);
  return s === undefined || s === '' ? null : s;
}

function num(ds: dicomParser.DataSet, tag: string): number | null {
  const s = ds.string(tag);
  if (s === undefined || s.trim() === '') return null;
  const v = Number(s.split('\\')[0]);
  return Number.isFinite(v) ? v : null;
}

/** Read one sample of a US or SS attribute according to the file's VR (implicit: Pixel Representation). */
function usOrSs(ds: dicomParser.DataSet, tag: string, signed: boolean): number | undefined {
  return signed ? ds.int16(tag) : ds.uint16(tag);
}

function readVoiLut(ds: dicomParser.DataSet, warnings: string[]): VoiLutTable | null {
  const seq = ds.elements.x00283010;
  const item = seq?.items?.[0]?.dataSet;
  if (!item) return null;
  const desc = item.elements.x00283002;
  const lutData = item.elements.x00283006;
  if (!desc || !lutData) {
    warnings.push('VOI LUT Sequence without LUT Descriptor or LUT Data: ignored');
    return null;
  }
  const entriesRaw = item.uint16('x00283002', 0) ?? 0;
  const entries = entriesRaw === 0 ? 65536 : entriesRaw;
  const firstMapped =
    desc.vr === 'SS' ? (item.int16('x00283002', 1) ?? 0) : (item.uint16('x00283002', 1) ?? 0);
  const bits = item.uint16('x00283002', 2) ?? 16;
  if (lutData.length < entries * 2) {
    warnings.push(
      `VOI LUT Data has ${lutData.length / 2} entries, descriptor says ${entries}: ignored`,
    );
    return null;
  }
  const data = new Uint16Array(entries);
  for (let i = 0; i < entries; i++) data[i] = item.uint16('x00283006', i) ?? 0;
  return { firstMapped, bits, data };
}

/**
 * Parse a DICOM file and decode its (single) frame.
 * @param bytes File contents.
 * @param name File name for messages.
 * @returns The image with its display attributes; values are after the modality LUT.
 * @throws InputError naming the file for: not DICOM, unsupported transfer syntax (UID and name),
 *   no pixel data, colour or multi-frame images, truncated pixel data, unsupported bit depths.
 */
export function readDicom(input: Uint8Array, name = 'DICOM'): DicomImage {
  // dicom-parser inflates Deflated Explicit VR files with Buffer methods (`.copy`): give it a
  // Buffer view of the same bytes (no copy) whatever Uint8Array the caller passed.
  const bytes = Buffer.isBuffer(input)
    ? input
    : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const warnings: string[] = [];
  const { ds, ts } = parseDataSet(bytes, name, warnings);
  const px = readPixelModule(ds, name, warnings);
  const raw = frameSampleBytes(ds, ts, px, name);
  const { values, padding, slope, intercept } = modalityValues(ds, raw, px, warnings);
  const window = readVoiWindow(ds, warnings);
  const voiLut = readVoiLut(ds, warnings);
  const presentationIntent = str(ds, 'x00080068')?.trim() ?? null;
  if (presentationIntent === 'FOR PROCESSING') {
    warnings.push(
      'FOR PROCESSING image (raw detector data): gray levels will differ from a FOR PRESENTATION image',
    );
  }
  const lat = (str(ds, 'x00200062') ?? str(ds, 'x00200060'))?.trim().toUpperCase() ?? null;
  return {
    width: px.width,
    height: px.height,
    values,
    padding,
    photometric: px.photometric,
    bitsAllocated: px.bitsAllocated,
    bitsStored: px.bitsStored,
    pixelRepresentation: px.pixelRepresentation,
    rescaleSlope: slope,
    rescaleIntercept: intercept,
    window,
    voiLut,
    viewPosition: str(ds, 'x00185101')?.trim().toUpperCase() ?? null,
    laterality: lat,
    patientId: str(ds, 'x00100020')?.trim() ?? null,
    patientOrientation: str(ds, 'x00200020')?.trim() ?? null,
    presentationIntent,
    transferSyntax: { uid: ts.uid, name: ts.name },
    warnings,
  };
}

/** The data set and its (supported) transfer syntax; a file without preamble is Implicit VR LE. */
function parseDataSet(
  bytes: Buffer,
  name: string,
  warnings: string[],
): { ds: dicomParser.DataSet; ts: ReturnType<typeof checkTransferSyntax> } {
  const hasPreamble =
    bytes.length >= 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d;
  let tsUid = IMPLICIT_LE;
  if (hasPreamble) {
    let meta: dicomParser.DataSet;
    try {
      meta = dicomParser.readPart10Header(bytes);
    } catch (err) {
      throw new InputError(
        `${name}: unreadable DICOM file meta information (${errorMessage(err)})`,
      );
    }
    const uid = meta.string('x00020010');
    if (!uid)
      throw new InputError(
        `${name}: DICOM file meta information has no Transfer Syntax UID (0002,0010)`,
      );
    tsUid = uid.replace(/[\0 ]+$/, '');
  } else {
    warnings.push('no DICOM Part 10 preamble: read as a bare Implicit VR Little Endian data set');
  }
  const ts = checkTransferSyntax(tsUid, name);
  let ds: dicomParser.DataSet;
  try {
    ds = hasPreamble
      ? dicomParser.parseDicom(bytes)
      : dicomParser.parseDicom(bytes, { TransferSyntaxUID: IMPLICIT_LE });
  } catch (err) {
    const e = err as { exception?: string } | string;
    const msg = typeof e === 'string' ? e : (e.exception ?? errorMessage(err));
    throw new InputError(`${name}: not a readable DICOM file (${msg})`);
  }
  warnings.push(...ds.warnings);
  return { ds, ts };
}

/** The Image Pixel module, checked: one 2-D grayscale frame of 8 or 16 bit samples. */
interface PixelModule {
  width: number;
  height: number;
  pixelEl: dicomParser.Element;
  photometric: 'MONOCHROME1' | 'MONOCHROME2';
  bitsAllocated: 8 | 16;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  bytesPerSample: 1 | 2;
}

function readPixelModule(ds: dicomParser.DataSet, name: string, warnings: string[]): PixelModule {
  const width = ds.uint16('x00280011');
  const height = ds.uint16('x00280010');
  const pixelEl = ds.elements.x7fe00010;
  if (!pixelEl || !width || !height) {
    throw new InputError(`${name}: DICOM file has no image (Rows, Columns or Pixel Data missing)`);
  }
  checkMammogramSize(width, height, name, 'largeOnly');
  const samples = ds.uint16('x00280002') ?? 1;
  const photometricRaw = (str(ds, 'x00280004') ?? 'MONOCHROME2').trim();
  if (samples !== 1 || (photometricRaw !== 'MONOCHROME1' && photometricRaw !== 'MONOCHROME2')) {
    throw new InputError(
      `${name}: expected a grayscale image (1 sample per pixel, MONOCHROME1/2), got ${samples} samples, ${photometricRaw}`,
    );
  }
  const frames = num(ds, 'x00280008') ?? 1;
  if (frames !== 1) {
    throw new InputError(
      `${name}: multi-frame image (${frames} frames, e.g. tomosynthesis); expected a single-frame 2-D mammogram`,
    );
  }
  const bitsAllocated = ds.uint16('x00280100') ?? 16;
  if (bitsAllocated !== 8 && bitsAllocated !== 16) {
    throw new InputError(
      `${name}: Bits Allocated ${bitsAllocated} not supported (expected 8 or 16)`,
    );
  }
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const highBit = ds.uint16('x00280102') ?? bitsStored - 1;
  if (bitsStored < 1 || bitsStored > bitsAllocated) {
    throw new InputError(`${name}: Bits Stored ${bitsStored} outside 1..${bitsAllocated}`);
  }
  if (highBit !== bitsStored - 1) {
    warnings.push(`High Bit ${highBit} is not Bits Stored − 1 (${bitsStored - 1}): low bits used`);
  }
  return {
    width,
    height,
    pixelEl,
    photometric: photometricRaw,
    bitsAllocated: bitsAllocated as 8 | 16,
    bitsStored,
    pixelRepresentation: (ds.uint16('x00280103') ?? 0) === 1 ? 1 : 0,
    bytesPerSample: bitsAllocated === 16 ? 2 : 1,
  };
}

/** Native little-endian sample bytes of frame 0 (decoded when encapsulated). */
function frameSampleBytes(
  ds: dicomParser.DataSet,
  ts: ReturnType<typeof checkTransferSyntax>,
  px: PixelModule,
  name: string,
): Uint8Array {
  const { pixelEl, width, height, bytesPerSample } = px;
  const n = width * height;
  if (ts.encoding === 'rle' || ts.encoding === 'jpeg-lossless') {
    if (!pixelEl.encapsulatedPixelData || !pixelEl.fragments?.length) {
      throw new InputError(
        `${name}: ${ts.name} transfer syntax but the pixel data is not encapsulated`,
      );
    }
    const frame = dicomParser.readEncapsulatedPixelDataFromFragments(
      ds,
      pixelEl,
      0,
      pixelEl.fragments.length,
    );
    const bytes = new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength);
    return ts.encoding === 'rle'
      ? decodeRle(bytes, n, bytesPerSample, name)
      : decodeJpegLossless(bytes, width, height, bytesPerSample, name);
  }
  const need = n * bytesPerSample;
  if (pixelEl.length < need || pixelEl.dataOffset + need > ds.byteArray.length) {
    throw new InputError(
      `${name}: pixel data truncated: ${Math.min(pixelEl.length, ds.byteArray.length - pixelEl.dataOffset)} bytes, expected ${need} for ${width}x${height} at ${px.bitsAllocated} bits`,
    );
  }
  const raw = new Uint8Array(need);
  raw.set(ds.byteArray.subarray(pixelEl.dataOffset, pixelEl.dataOffset + need));
  if (ts.encoding === 'native-big' && bytesPerSample === 2) {
    for (let i = 0; i < need; i += 2) {
      const t = raw[i];
      raw[i] = raw[i + 1];
      raw[i + 1] = t;
    }
  }
  return raw;
}

/** Stored samples → modality values (Rescale Slope/Intercept), and the padding mask. */
function modalityValues(
  ds: dicomParser.DataSet,
  raw: Uint8Array,
  px: PixelModule,
  warnings: string[],
): { values: Float32Array; padding: Uint8Array | null; slope: number; intercept: number } {
  const { bitsStored, pixelRepresentation, bytesPerSample } = px;
  const n = px.width * px.height;
  const slope = num(ds, 'x00281053') ?? 1;
  const intercept = num(ds, 'x00281052') ?? 0;
  if (slope === 0) warnings.push('Rescale Slope is 0: all values equal the intercept');
  if (ds.elements.x00283000) {
    warnings.push(
      'Modality LUT Sequence present but not applied (only Rescale Slope/Intercept is)',
    );
  }
  const mask = bitsStored >= 32 ? 0xffffffff : (1 << bitsStored) - 1;
  const signBit = 1 << (bitsStored - 1);
  const paddingStored = ds.elements.x00280120
    ? usOrSs(ds, 'x00280120', pixelRepresentation === 1)
    : undefined;
  const values = new Float32Array(n);
  const padding = paddingStored === undefined ? null : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let v = bytesPerSample === 2 ? raw[2 * i] | (raw[2 * i + 1] << 8) : raw[i];
    v &= mask;
    if (pixelRepresentation === 1 && v & signBit) v -= 1 << bitsStored;
    if (padding && v === paddingStored) padding[i] = 1;
    values[i] = v * slope + intercept;
  }
  return { values, padding, slope, intercept };
}

/** The first VOI window (center/width, function), or null when absent or invalid. */
function readVoiWindow(ds: dicomParser.DataSet, warnings: string[]): VoiWindow | null {
  const wc = num(ds, 'x00281050');
  const ww = num(ds, 'x00281051');
  const fnRaw = (str(ds, 'x00281056') ?? 'LINEAR').trim().toUpperCase();
  const fn: VoiWindow['fn'] = fnRaw === 'SIGMOID' || fnRaw === 'LINEAR_EXACT' ? fnRaw : 'LINEAR';
  if (wc === null || ww === null) return null;
  if (ww >= 1 || (fn !== 'LINEAR' && ww > 0)) return { center: wc, width: ww, fn };
  warnings.push(`Window Width ${ww} invalid (must be ≥ 1): ignored`);
  return null;
}
