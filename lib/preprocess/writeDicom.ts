/**
 * A minimal DICOM Part 10 writer for single-frame grayscale images: 128-byte preamble, `DICM`,
 * file meta information (group 0002, Explicit VR Little Endian), then the data set in Explicit VR
 * Little Endian (default), Implicit VR Little Endian or Explicit VR Big Endian. Enough for test
 * fixtures and synthetic "raw" phantoms; not a general DICOM toolkit.
 */

/** Digital Mammography X-Ray Image Storage – For Presentation. */
export const MG_FOR_PRESENTATION_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.1.2';

/** An extra data element for {@link writeDicom}. */
export interface DicomElement {
  /** Group and element, e.g. 0x00280120. */
  tag: number;
  /** Value representation (two letters). */
  vr: string;
  /** String value (string VRs), numbers (US/SS/UL/FL/FD), or raw bytes (OB/OW/UN). */
  value: string | number[] | Uint8Array;
}

/** Options of {@link writeDicom}. */
export interface WriteDicomOptions {
  /** Columns. */
  width: number;
  /** Rows. */
  height: number;
  /** Stored values, row-major (length width·height); must fit Bits Stored / Pixel Representation. */
  pixels: ArrayLike<number>;
  /** 8 or 16. Default 16. */
  bitsAllocated?: 8 | 16;
  /** Default = bitsAllocated. */
  bitsStored?: number;
  /** 0 unsigned (default), 1 signed. */
  pixelRepresentation?: 0 | 1;
  /** Default MONOCHROME2. */
  photometric?: 'MONOCHROME1' | 'MONOCHROME2';
  /** Transfer syntax UID written in the meta header. Default Explicit VR Little Endian. */
  transferSyntaxUid?: string;
  /** Patient ID (0010,0020). */
  patientId?: string;
  /** ViewPosition (0018,5101), e.g. `MLO`. */
  viewPosition?: string;
  /** ImageLaterality (0020,0062). */
  imageLaterality?: string;
  /** Laterality (0020,0060) (series level). */
  laterality?: string;
  /** PatientOrientation (0020,0020), e.g. `A\R`. */
  patientOrientation?: string;
  /** Window Center (0028,1050). */
  windowCenter?: number;
  /** Window Width (0028,1051). */
  windowWidth?: number;
  /** VOI LUT Function (0028,1056). */
  voiLutFunction?: string;
  /** Rescale Intercept (0028,1052). */
  rescaleIntercept?: number;
  /** Rescale Slope (0028,1053). */
  rescaleSlope?: number;
  /** SOP Instance UID. Default a fixed UID under the 2.25 root derived from the patient id. */
  sopInstanceUid?: string;
  /**
   * Encapsulated pixel data instead of native samples (one frame, one fragment), e.g. an RLE
   * Lossless frame; `pixels` is then ignored except for its length check. Use with a matching
   * `transferSyntaxUid`.
   */
  encapsulatedFrame?: Uint8Array;
  /** More elements (any tag outside group 0002). */
  extra?: DicomElement[];
}

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const LONG_VRS = new Set(['OB', 'OW', 'OF', 'OD', 'OL', 'SQ', 'UT', 'UN', 'UC', 'UR']);

function padEven(bytes: Uint8Array, pad: number): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = pad;
  return out;
}

function encodeValue(el: DicomElement, littleEndian: boolean): Uint8Array {
  const { vr, value } = el;
  if (value instanceof Uint8Array) return padEven(value, 0);
  if (Array.isArray(value)) {
    const size = vr === 'US' || vr === 'SS' ? 2 : vr === 'FD' ? 8 : 4;
    const buf = new Uint8Array(size * value.length);
    const dv = new DataView(buf.buffer);
    value.forEach((v, i) => {
      const o = i * size;
      if (vr === 'US') dv.setUint16(o, v, littleEndian);
      else if (vr === 'SS') dv.setInt16(o, v, littleEndian);
      else if (vr === 'UL') dv.setUint32(o, v, littleEndian);
      else if (vr === 'SL') dv.setInt32(o, v, littleEndian);
      else if (vr === 'FL') dv.setFloat32(o, v, littleEndian);
      else if (vr === 'FD') dv.setFloat64(o, v, littleEndian);
      else throw new Error(`writeDicom: numeric value for VR ${vr} not supported`);
    });
    return buf;
  }
  return padEven(Buffer.from(value, 'latin1'), vr === 'UI' ? 0 : 0x20);
}

function encodeElement(el: DicomElement, explicit: boolean, littleEndian: boolean): Uint8Array {
  const value = encodeValue(el, littleEndian);
  const group = el.tag >>> 16;
  const element = el.tag & 0xffff;
  const long = LONG_VRS.has(el.vr);
  const headerLength = !explicit ? 8 : long ? 12 : 8;
  const out = new Uint8Array(headerLength + value.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, group, littleEndian);
  dv.setUint16(2, element, littleEndian);
  if (!explicit) dv.setUint32(4, value.length, littleEndian);
  else {
    out[4] = el.vr.charCodeAt(0);
    out[5] = el.vr.charCodeAt(1);
    if (long) dv.setUint32(8, value.length, littleEndian);
    else {
      if (value.length > 0xffff)
        throw new Error(`writeDicom: value of ${el.tag.toString(16)} too long for VR ${el.vr}`);
      dv.setUint16(6, value.length, littleEndian);
    }
  }
  out.set(value, headerLength);
  return out;
}

/** Pixel Data with undefined length: empty Basic Offset Table item, one fragment, delimiter. */
function encodeEncapsulated(
  frame: Uint8Array,
  explicit: boolean,
  littleEndian: boolean,
): Uint8Array {
  const data = padEven(frame, 0);
  const header = explicit ? 12 : 8;
  const out = new Uint8Array(header + 8 + 8 + data.length + 8);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, 0x7fe0, littleEndian);
  dv.setUint16(2, 0x0010, littleEndian);
  if (explicit) {
    out[4] = 0x4f; // 'O'
    out[5] = 0x42; // 'B'
    dv.setUint32(8, 0xffffffff, littleEndian);
  } else dv.setUint32(4, 0xffffffff, littleEndian);
  let o = header;
  const item = (tagElement: number, length: number): void => {
    dv.setUint16(o, 0xfffe, littleEndian);
    dv.setUint16(o + 2, tagElement, littleEndian);
    dv.setUint32(o + 4, length, littleEndian);
    o += 8;
  };
  item(0xe000, 0); // Basic Offset Table, empty
  item(0xe000, data.length);
  out.set(data, o);
  o += data.length;
  item(0xe0dd, 0); // Sequence Delimitation Item
  return out;
}

function concat(parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

/**
 * Write a single-frame grayscale DICOM Part 10 file.
 * @param options Geometry, pixel values, photometric interpretation, display and view attributes.
 * @returns The file bytes.
 */
export function writeDicom(options: WriteDicomOptions): Buffer {
  const { width, height, pixels } = options;
  const bitsAllocated = options.bitsAllocated ?? 16;
  const bitsStored = options.bitsStored ?? bitsAllocated;
  const pixelRepresentation = options.pixelRepresentation ?? 0;
  const ts = options.transferSyntaxUid ?? EXPLICIT_LE;
  if (pixels.length !== width * height) {
    throw new Error(
      `writeDicom: expected ${width}x${height} = ${width * height} pixels, got ${pixels.length}`,
    );
  }
  const littleEndian = ts !== EXPLICIT_BE;
  const explicit = ts !== IMPLICIT_LE;
  const sopInstance =
    options.sopInstanceUid ??
    `2.25.${Array.from(Buffer.from(options.patientId ?? 'anonymous'))
      .reduce((h, c) => (h * 31n + BigInt(c)) % 10n ** 30n, 7n)
      .toString()}`;

  const pixelBytes = new Uint8Array(width * height * (bitsAllocated / 8));
  const pdv = new DataView(pixelBytes.buffer);
  const mask = bitsStored >= 32 ? 0xffffffff : (1 << bitsStored) - 1;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i] & mask;
    if (bitsAllocated === 16) pdv.setUint16(2 * i, v, littleEndian);
    else pixelBytes[i] = v;
  }
  const els: DicomElement[] = [
    { tag: 0x00080016, vr: 'UI', value: MG_FOR_PRESENTATION_SOP_CLASS },
    { tag: 0x00080018, vr: 'UI', value: sopInstance },
    { tag: 0x00080060, vr: 'CS', value: 'MG' },
    { tag: 0x00080068, vr: 'CS', value: 'FOR PRESENTATION' },
    { tag: 0x00280002, vr: 'US', value: [1] },
    { tag: 0x00280004, vr: 'CS', value: options.photometric ?? 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: [height] },
    { tag: 0x00280011, vr: 'US', value: [width] },
    { tag: 0x00280100, vr: 'US', value: [bitsAllocated] },
    { tag: 0x00280101, vr: 'US', value: [bitsStored] },
    { tag: 0x00280102, vr: 'US', value: [bitsStored - 1] },
    { tag: 0x00280103, vr: 'US', value: [pixelRepresentation] },
    { tag: 0x7fe00010, vr: bitsAllocated === 16 ? 'OW' : 'OB', value: pixelBytes },
  ];
  const optional: [number, string, string | number | undefined][] = [
    [0x00100020, 'LO', options.patientId],
    [0x00185101, 'CS', options.viewPosition],
    [0x00200020, 'CS', options.patientOrientation],
    [0x00200060, 'CS', options.laterality],
    [0x00200062, 'CS', options.imageLaterality],
    [0x00281050, 'DS', options.windowCenter],
    [0x00281051, 'DS', options.windowWidth],
    [0x00281052, 'DS', options.rescaleIntercept],
    [0x00281053, 'DS', options.rescaleSlope],
    [0x00281056, 'CS', options.voiLutFunction],
  ];
  for (const [tag, vr, v] of optional) if (v !== undefined) els.push({ tag, vr, value: String(v) });
  for (const e of options.extra ?? []) {
    if (e.tag >>> 16 === 0x0002)
      throw new Error('writeDicom: group 0002 is written by the writer itself');
    els.push(e);
  }
  els.sort((p, q) => p.tag - q.tag);
  const body = els.map((e) =>
    e.tag === 0x7fe00010 && options.encapsulatedFrame
      ? encodeEncapsulated(options.encapsulatedFrame, explicit, littleEndian)
      : encodeElement(e, explicit, littleEndian),
  );

  const metaEls: DicomElement[] = [
    { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
    { tag: 0x00020002, vr: 'UI', value: MG_FOR_PRESENTATION_SOP_CLASS },
    { tag: 0x00020003, vr: 'UI', value: sopInstance },
    { tag: 0x00020010, vr: 'UI', value: ts },
    { tag: 0x00020012, vr: 'UI', value: '2.25.1234567890123456789' },
    { tag: 0x00020013, vr: 'SH', value: 'BREAST_DENSITY' },
  ].map((e) => e as DicomElement);
  const meta = metaEls.map((e) => encodeElement(e, true, true));
  const metaLength = meta.reduce((s, m) => s + m.length, 0);
  const groupLength = encodeElement({ tag: 0x00020000, vr: 'UL', value: [metaLength] }, true, true);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concat([preamble, groupLength, ...meta, ...body]);
}
