/**
 * DICOM reading and display conversion: transfer syntaxes (explicit/implicit little endian,
 * big endian, RLE, deflate), bit depths, sign, Bits Stored masking, modality LUT, VOI windows,
 * MONOCHROME1, and the equivalence of the DICOM and 16-bit PNG paths.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as zlib from 'zlib';
import { InputError } from '../../lib/errors';
import { encodePng } from '../../lib/io/png';
import {
  FALLBACK_PERCENTILES,
  readDicom,
  readMammogram,
  windowToGray,
  writeDicom,
  preprocessFile,
} from '../../lib/preprocess';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const IMPLICIT_LE = '1.2.840.10008.1.2';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';
const RLE = '1.2.840.10008.1.2.5';
const DEFLATE = '1.2.840.10008.1.2.1.99';
const JPEG_LOSSLESS_SV1 = '1.2.840.10008.1.2.4.70';

/** Deterministic pseudo-random integers. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** PackBits-encode bytes (DICOM RLE segment): runs of ≥ 3 equal bytes replicated, rest literal. */
function packBits(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    let run = 1;
    while (i + run < bytes.length && bytes[i + run] === bytes[i] && run < 128) run++;
    if (run >= 3) {
      out.push(257 - run, bytes[i]);
      i += run;
      continue;
    }
    const start = i;
    while (i < bytes.length && i - start < 128) {
      if (i + 2 < bytes.length && bytes[i] === bytes[i + 1] && bytes[i] === bytes[i + 2]) break;
      i++;
    }
    out.push(i - start - 1, ...bytes.subarray(start, i));
  }
  if (out.length % 2) out.push(0x80); // no-op padding byte
  return Uint8Array.from(out);
}

/** An RLE Lossless frame of 16-bit samples: header + MSB segment + LSB segment. */
function rleFrame16(values: ArrayLike<number>): Uint8Array {
  const hi = Uint8Array.from(Array.from(values, (v) => (v >> 8) & 0xff));
  const lo = Uint8Array.from(Array.from(values, (v) => v & 0xff));
  const s0 = packBits(hi);
  const s1 = packBits(lo);
  const out = new Uint8Array(64 + s0.length + s1.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 2, true);
  dv.setUint32(4, 64, true);
  dv.setUint32(8, 64 + s0.length, true);
  out.set(s0, 64);
  out.set(s1, 64 + s0.length);
  return out;
}

/**
 * A JPEG Lossless (T.81 process 14, first-order prediction SV1) encoder for test fixtures: one
 * component, one Huffman table giving every difference category SSSS 0–16 a 5-bit code.
 */
function encodeJpegLossless(
  values: ArrayLike<number>,
  width: number,
  height: number,
  precision: number,
): Uint8Array {
  const out: number[] = [0xff, 0xd8];
  const segment = (marker: number, body: number[]) =>
    out.push(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body);
  segment(0xc3, [precision, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  const bits = new Array(16).fill(0);
  bits[4] = 17; // 17 codes of length 5: 00000 … 10000
  segment(0xc4, [0x00, ...bits, ...Array.from({ length: 17 }, (_, k) => k)]);
  segment(0xda, [1, 1, 0x00, 1, 0, 0]); // Ns=1, Cs=1 Td/Ta=0, Ss=predictor 1, Se=0, Ah/Al=0
  let acc = 0;
  let nbits = 0;
  const put = (value: number, n: number) => {
    for (let b = n - 1; b >= 0; b--) {
      acc = (acc << 1) | ((value >> b) & 1);
      if (++nbits === 8) {
        out.push(acc);
        if (acc === 0xff) out.push(0x00);
        acc = 0;
        nbits = 0;
      }
    }
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x];
      const pred =
        x === 0 && y === 0
          ? 1 << (precision - 1)
          : x === 0
            ? values[(y - 1) * width]
            : values[y * width + x - 1];
      let diff = (v - pred) & 0xffff;
      if (diff >= 0x8000) diff -= 0x10000; // modulo 2^16, in -32768..32767
      const ssss =
        diff === 0 ? 0 : diff === -32768 ? 16 : Math.floor(Math.log2(Math.abs(diff))) + 1;
      put(ssss, 5);
      if (ssss > 0 && ssss < 16) put(diff > 0 ? diff : diff + (1 << ssss) - 1, ssss);
    }
  }
  if (nbits > 0) put((1 << (8 - nbits)) - 1, 8 - nbits); // pad with 1 bits
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}

const W = 7;
const H = 5;
const values12 = Array.from({ length: W * H }, (_, i) => (i * 117) % 4096);

test('readDicom reads the same 12-bit values in every uncompressed transfer syntax, RLE and JPEG Lossless', () => {
  const cases: [string, Partial<Parameters<typeof writeDicom>[0]>][] = [
    ['explicit LE', { transferSyntaxUid: EXPLICIT_LE }],
    ['implicit LE', { transferSyntaxUid: IMPLICIT_LE }],
    ['explicit BE', { transferSyntaxUid: EXPLICIT_BE }],
    ['RLE', { transferSyntaxUid: RLE, encapsulatedFrame: rleFrame16(values12) }],
    [
      'JPEG Lossless SV1',
      {
        transferSyntaxUid: JPEG_LOSSLESS_SV1,
        encapsulatedFrame: encodeJpegLossless(values12, W, H, 12),
      },
    ],
  ];
  for (const [label, extra] of cases) {
    const file = writeDicom({
      width: W,
      height: H,
      pixels: values12,
      bitsStored: 12,
      patientId: 'P1',
      viewPosition: 'MLO',
      imageLaterality: 'R',
      ...extra,
    });
    const d = readDicom(file, label);
    assert.equal(d.width, W, label);
    assert.equal(d.height, H, label);
    assert.deepEqual(Array.from(d.values), values12, label);
    assert.equal(d.bitsStored, 12, label);
    assert.equal(d.viewPosition, 'MLO', label);
    assert.equal(d.laterality, 'R', label);
    assert.equal(d.patientId, 'P1', label);
    assert.equal(d.transferSyntax.uid, extra.transferSyntaxUid, label);
  }
});

test('readDicom inflates Deflated Explicit VR Little Endian', () => {
  const plain = writeDicom({
    width: W,
    height: H,
    pixels: values12,
    bitsStored: 12,
    transferSyntaxUid: DEFLATE,
  });
  // Deflate everything after the file meta information (group 0002).
  const metaEnd = 132 + 12 + new DataView(plain.buffer, plain.byteOffset).getUint32(140, true);
  const file = Buffer.concat([
    plain.subarray(0, metaEnd),
    zlib.deflateRawSync(plain.subarray(metaEnd)),
  ]);
  assert.deepEqual(Array.from(readDicom(file, 'deflate').values), values12);
  // Its declared type: a plain Uint8Array (not a Buffer), also as a view into a larger buffer.
  const plainArray = new Uint8Array(file);
  assert.ok(!Buffer.isBuffer(plainArray));
  assert.deepEqual(Array.from(readDicom(plainArray, 'deflate').values), values12);
  const padded = new Uint8Array(file.length + 7);
  padded.set(file, 3);
  const view = padded.subarray(3, 3 + file.length);
  assert.deepEqual(Array.from(readDicom(view, 'deflate').values), values12);
});

test('readDicom masks bits above Bits Stored, sign-extends, and applies Rescale Slope/Intercept', () => {
  const cases = [
    {
      name: '12-bit with garbage high bits',
      stored: [0xf000 | 5, 0xa000 | 4095],
      bitsStored: 12,
      pr: 0 as const,
      slope: 1,
      intercept: 0,
      expect: [5, 4095],
    },
    {
      name: '14-bit',
      stored: [16383, 1],
      bitsStored: 14,
      pr: 0 as const,
      slope: 1,
      intercept: 0,
      expect: [16383, 1],
    },
    {
      name: '16-bit signed',
      stored: [0xffff, 0x8000, 0x7fff],
      bitsStored: 16,
      pr: 1 as const,
      slope: 1,
      intercept: 0,
      expect: [-1, -32768, 32767],
    },
    {
      name: '12-bit signed',
      stored: [0x0fff, 0x0800],
      bitsStored: 12,
      pr: 1 as const,
      slope: 1,
      intercept: 0,
      expect: [-1, -2048],
    },
    {
      name: 'rescale',
      stored: [0, 10, 100],
      bitsStored: 16,
      pr: 0 as const,
      slope: 2.5,
      intercept: -1000,
      expect: [-1000, -975, -750],
    },
  ];
  for (const c of cases) {
    const file = writeDicom({
      width: c.stored.length,
      height: 1,
      pixels: c.stored,
      bitsStored: c.bitsStored,
      pixelRepresentation: c.pr,
      rescaleSlope: c.slope,
      rescaleIntercept: c.intercept,
    });
    // writeDicom itself masks to Bits Stored; write the garbage bits directly for the first case.
    const d = readDicom(file, c.name);
    assert.deepEqual(Array.from(d.values), c.expect, c.name);
  }
  // Garbage above Bits Stored in the file: patch the pixel bytes after writing.
  const file = writeDicom({ width: 2, height: 1, pixels: [5, 4095], bitsStored: 12 });
  file[file.length - 3] |= 0xf0;
  file[file.length - 1] |= 0xa0;
  assert.deepEqual(Array.from(readDicom(file, 'garbage').values), [5, 4095]);
});

test('readDicom reads 8-bit data', () => {
  const px = [0, 1, 128, 255, 7, 9];
  const d = readDicom(writeDicom({ width: 3, height: 2, pixels: px, bitsAllocated: 8 }), '8bit');
  assert.equal(d.bitsAllocated, 8);
  assert.deepEqual(Array.from(d.values), px);
});

test('unsupported or malformed DICOM files give one InputError naming the file and the problem', () => {
  const cases: [string, Buffer, RegExp][] = [
    [
      'j2k.dcm',
      writeDicom({
        width: 2,
        height: 2,
        pixels: [0, 0, 0, 0],
        transferSyntaxUid: '1.2.840.10008.1.2.4.90',
        encapsulatedFrame: new Uint8Array([1, 2, 3, 4]),
      }),
      /j2k\.dcm: unsupported DICOM transfer syntax 1\.2\.840\.10008\.1\.2\.4\.90 \(JPEG 2000 Lossless Only\)/,
    ],
    [
      'jpegls.dcm',
      writeDicom({
        width: 2,
        height: 2,
        pixels: [0, 0, 0, 0],
        transferSyntaxUid: '1.2.840.10008.1.2.4.80',
        encapsulatedFrame: new Uint8Array([1, 2]),
      }),
      /jpegls\.dcm: unsupported DICOM transfer syntax 1\.2\.840\.10008\.1\.2\.4\.80 \(JPEG-LS Lossless\)/,
    ],
    [
      'odd.dcm',
      writeDicom({ width: 2, height: 2, pixels: [0, 0, 0, 0], transferSyntaxUid: '1.2.3.4.5' }),
      /odd\.dcm: unsupported DICOM transfer syntax 1\.2\.3\.4\.5; supported: Implicit VR Little Endian/,
    ],
    [
      'trunc.dcm',
      writeDicom({ width: 64, height: 64, pixels: new Uint16Array(4096) }).subarray(0, 2000),
      /trunc\.dcm: .*(truncated|not a readable DICOM)/,
    ],
    [
      'rgb.dcm',
      writeDicom({
        width: 2,
        height: 1,
        pixels: [0, 0],
        extra: [{ tag: 0x00280002, vr: 'US', value: [3] }],
      }),
      /rgb\.dcm: expected a grayscale image/,
    ],
    [
      'frames.dcm',
      writeDicom({
        width: 2,
        height: 1,
        pixels: [0, 0],
        extra: [{ tag: 0x00280008, vr: 'IS', value: '20' }],
      }),
      /frames\.dcm: multi-frame image \(20 frames/,
    ],
  ];
  for (const [name, bytes, re] of cases) {
    assert.throws(
      () => readDicom(bytes, name),
      (err: unknown) => err instanceof InputError && re.test(err.message),
      name,
    );
  }
  assert.throws(
    () => readMammogram(Buffer.from('hello world'), 'notes.txt'),
    /notes\.txt: neither a PNG nor a DICOM/,
  );
});

test('windowToGray: LINEAR, LINEAR_EXACT and SIGMOID windows at known points (PS3.3 C.11.2.1.2)', () => {
  const x = [0, 1024, 2048, 3071, 4095, 5000];
  const lin = windowToGray(x, 6, 1, { window: { center: 2048, width: 4096, fn: 'LINEAR' } }).image
    .data;
  // y = ((x − 2047.5)/4095 + 0.5)·255, clipped.
  assert.deepEqual(
    Array.from(lin),
    x.map((v) => Math.round(Math.min(255, Math.max(0, ((v - 2047.5) / 4095 + 0.5) * 255)))),
  );
  assert.deepEqual(Array.from(lin), [0, 64, 128, 191, 255, 255]);
  const exact = windowToGray([1000, 1500, 2000, 2500, 3000], 5, 1, {
    window: { center: 2000, width: 2000, fn: 'LINEAR_EXACT' },
  }).image.data;
  assert.deepEqual(Array.from(exact), [0, 64, 128, 191, 255]);
  const sig = windowToGray([2000, 2500], 2, 1, {
    window: { center: 2000, width: 1000, fn: 'SIGMOID' },
  }).image.data;
  assert.deepEqual(Array.from(sig), [128, Math.round(255 / (1 + Math.exp(-2)))]);
  const inv = windowToGray(x, 6, 1, {
    window: { center: 2048, width: 4096, fn: 'LINEAR' },
    invert: true,
  }).image.data;
  assert.deepEqual(Array.from(inv), [255, 191, 127, 64, 0, 0]);
});

test('windowToGray fallback: 0.1–99.9 percentile window, outliers clipped, padding black', () => {
  assert.deepEqual(FALLBACK_PERCENTILES, [0.1, 99.9]);
  // 2000 pixels 1000..2999 plus one hot pixel: the hot pixel does not set the window.
  const v = Array.from({ length: 2000 }, (_, i) => 1000 + i);
  v.push(60000);
  const r = windowToGray(v, v.length, 1, {});
  assert.equal(r.method, 'percentile');
  assert.equal(r.low, 1002); // k = floor(0.001·2001) = 2 → third smallest
  assert.equal(r.high, 2998); // third largest
  assert.equal(r.image.data[2000], 255);
  assert.equal(r.image.data[0], 0);
  assert.equal(r.image.data[1000], Math.round(((2000 - 1002) * 255) / (2998 - 1002)));
  const pad = new Uint8Array(v.length);
  pad[1500] = 1;
  assert.equal(windowToGray(v, v.length, 1, { padding: pad }).image.data[1500], 0);
});

/** A 16-bit synthetic mammogram: dark noisy background, bright half-ellipse breast at the left. */
function synthetic16(width: number, height: number, seed: number): Uint16Array {
  const r = lcg(seed);
  const out = new Uint16Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = (x / (0.75 * width)) ** 2 + ((y - height / 2) / (0.4 * height)) ** 2;
      const base = d < 1 ? 30000 + 15000 * Math.sqrt(1 - d) : 3000;
      out[y * width + x] = Math.round(base + 2000 * (r() - 0.5));
    }
  }
  return out;
}

test('DICOM MONOCHROME1 and MONOCHROME2 (16-bit) give the same 8-bit image and the same PNG as the 16-bit PNG path', () => {
  const w = 64;
  const h = 96;
  const v = synthetic16(w, h, 3);
  const inverted = v.map((x) => 65535 - x);
  const png16 = encodePng({ width: w, height: h, channels: 1, bitDepth: 16, data: v });
  const mono2 = writeDicom({
    width: w,
    height: h,
    pixels: v,
    photometric: 'MONOCHROME2',
    viewPosition: 'CC',
    imageLaterality: 'L',
    patientId: 'X',
  });
  const mono1 = writeDicom({
    width: w,
    height: h,
    pixels: inverted,
    photometric: 'MONOCHROME1',
    viewPosition: 'CC',
    imageLaterality: 'L',
    patientId: 'X',
  });
  const fromPng = readMammogram(png16, 'X_1_CC_L.png');
  const fromM2 = readMammogram(mono2, 'm2.dcm');
  const fromM1 = readMammogram(mono1, 'm1.dcm');
  assert.equal(fromPng.display.method, 'percentile');
  assert.equal(fromM1.display.inverted, true);
  assert.deepEqual(fromM2.gray.data, fromPng.gray.data);
  assert.deepEqual(fromM1.gray.data, fromPng.gray.data);
  // Not trivially equal: the image spans the gray range.
  assert.ok(Math.max(...fromPng.gray.data) === 255 && Math.min(...fromPng.gray.data) === 0);
  const outPng = preprocessFile(png16, 'X_1_CC_L.png').result.image;
  const outM1 = preprocessFile(mono1, 'm1.dcm').result.image;
  const outM2 = preprocessFile(mono2, 'm2.dcm').result.image;
  const enc = (g: typeof outPng) =>
    encodePng({ width: g.width, height: g.height, channels: 1, bitDepth: 8, data: g.data });
  assert.deepEqual(enc(outM1), enc(outPng));
  assert.deepEqual(enc(outM2), enc(outPng));
  // With the file's window instead of the fallback, MONOCHROME1 mirrors MONOCHROME2 too (LINEAR_EXACT is symmetric).
  const win = { windowCenter: 30000, windowWidth: 40000, voiLutFunction: 'LINEAR_EXACT' };
  const m2w = readMammogram(writeDicom({ width: w, height: h, pixels: v, ...win }), 'a.dcm');
  const m1w = readMammogram(
    writeDicom({
      width: w,
      height: h,
      pixels: inverted,
      photometric: 'MONOCHROME1',
      ...win,
      windowCenter: 65535 - 30000,
    }),
    'b.dcm',
  );
  assert.equal(m2w.display.method, 'window');
  assert.deepEqual(m1w.gray.data, m2w.gray.data);
});

test('readDicom without a Part 10 preamble reads a bare implicit little endian data set', () => {
  const file = writeDicom({
    width: W,
    height: H,
    pixels: values12,
    bitsStored: 12,
    transferSyntaxUid: IMPLICIT_LE,
  });
  const metaEnd = 132 + 12 + new DataView(file.buffer, file.byteOffset).getUint32(140, true);
  const bare = file.subarray(metaEnd);
  const d = readDicom(bare, 'bare.dcm');
  assert.deepEqual(Array.from(d.values), values12);
  assert.match(d.warnings.join(' '), /no DICOM Part 10 preamble/);
});

test('JPEG Lossless: a random 16-bit image decodes exactly; a corrupt stream is an InputError', () => {
  const r = lcg(5);
  const w = 37;
  const h = 23;
  const v = Array.from({ length: w * h }, () => Math.floor(r() * 65536));
  v[0] = 0;
  v[1] = 65535; // largest differences
  const file = writeDicom({
    width: w,
    height: h,
    pixels: v,
    transferSyntaxUid: JPEG_LOSSLESS_SV1,
    encapsulatedFrame: encodeJpegLossless(v, w, h, 16),
  });
  assert.deepEqual(Array.from(readDicom(file, 'jll.dcm').values), v);
  const bad = writeDicom({
    width: w,
    height: h,
    pixels: v,
    transferSyntaxUid: JPEG_LOSSLESS_SV1,
    encapsulatedFrame: new Uint8Array([0xff, 0xd8, 0x00, 0x01]),
  });
  assert.throws(
    () => readDicom(bad, 'bad.dcm'),
    (e: unknown) => e instanceof InputError && /bad\.dcm: JPEG Lossless/.test(e.message),
  );
});

/** One explicit-VR little-endian element (short or long form). */
function element(group: number, el: number, vr: string, value: Uint8Array): Buffer {
  const long = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr);
  const head = Buffer.alloc(long ? 12 : 8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(el, 2);
  head.write(vr, 4, 'latin1');
  if (long) head.writeUInt32LE(value.length, 8);
  else head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}
const u16 = (...v: number[]) => {
  const b = Buffer.alloc(2 * v.length);
  v.forEach((x, i) => b.writeUInt16LE(x, 2 * i));
  return b;
};

test('VOI LUT Sequence maps values through its table when there is no window; Pixel Padding Value is black', () => {
  const lutItem = Buffer.concat([
    element(0x0028, 0x3002, 'US', u16(4, 100, 12)), // 4 entries, first mapped 100, 12 bits
    element(0x0028, 0x3006, 'OW', u16(0, 1000, 3000, 4095)),
  ]);
  const itemHead = Buffer.alloc(8);
  itemHead.writeUInt16LE(0xfffe, 0);
  itemHead.writeUInt16LE(0xe000, 2);
  itemHead.writeUInt32LE(lutItem.length, 4);
  const seq = Buffer.concat([itemHead, lutItem]);
  const px = [100, 101, 102, 103, 50, 900, 7];
  const file = writeDicom({
    width: px.length,
    height: 1,
    pixels: px,
    bitsStored: 12,
    extra: [
      { tag: 0x00283010, vr: 'SQ', value: seq },
      { tag: 0x00280120, vr: 'US', value: [7] },
    ],
  });
  const d = readDicom(file, 'lut.dcm');
  assert.deepEqual(d.voiLut?.firstMapped, 100);
  assert.deepEqual(Array.from(d.voiLut?.data ?? []), [0, 1000, 3000, 4095]);
  assert.deepEqual(Array.from(d.padding ?? []), [0, 0, 0, 0, 0, 0, 1]);
  const g = readMammogram(file, 'lut.dcm');
  assert.equal(g.display.method, 'voi-lut');
  const scale = (v: number) => Math.round((v * 255) / 4095);
  // Values below/above the table take its first/last entry; the padding pixel is black.
  assert.deepEqual(Array.from(g.gray.data), [0, scale(1000), scale(3000), 255, 0, 255, 0]);
});
