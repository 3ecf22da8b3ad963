/**
 * "Raw" versions of phantoms, as a mammography unit would deliver them before the original
 * authors' preprocessing, together with the ground truth of that preprocessing. They test the
 * `preprocess` pipeline (lib/preprocess) on images whose answer is known.
 *
 * From a {@link Phantom} (already cropped, chest wall on its side, muscle replaced by the mean
 * gray), the raw version:
 * 1. puts an unremoved pectoral muscle back in MLO views: the phantom's pectoral region becomes
 *    brighter than the breast (`meanGray + U(30, 70)` by default, darkening by up to 12 levels towards the
 *    muscle's lower tip, with fibre striations along the muscle edge and pixel noise);
 * 2. places the image in a larger detector frame: no margin on the chest-wall side (the breast
 *    is cut by the detector edge there) and for MLO at the top (the muscle and axilla leave the
 *    field), random margins of 6–22 % of the size on the other sides;
 * 3. fills the background with a low detector signal (2–8 % of full scale), a gentle gradient
 *    (heel effect) and Gaussian noise (σ ≈ 1 % of full scale);
 * 4. adds a lead label marker (bright letters: the side and view, e.g. `R MLO`, or one letter
 *    when space is short) in the background, never touching the breast;
 * 5. optionally stores the frame mirrored (chest wall on the other side, with a matching
 *    PatientOrientation), as some units do;
 * 6. encodes 12-bit stored values (display 0–255 ↦ the file's window) and, by default,
 *    MONOCHROME1 (stored = 4095 − value), wrapped as a DICOM Part 10 file (Explicit VR Little
 *    Endian) with PatientID, ViewPosition, ImageLaterality and Window Center/Width.
 *
 * The truth: the breast mask (pectoral included) and the pectoral mask in raw coordinates, the
 * crop box (bounding box of the breast), and whether the frame was mirrored.
 */
import { createRng, type Rng } from '../data/createRng';
import type { Gray8Image, PixelBox } from '../preprocess/grayImage';
import { maskBoundingBox } from '../preprocess/grayImage';
import { dilateMask } from '../preprocess/morphology';
import { writeDicom } from '../preprocess/writeDicom';
import type { Phantom } from './generatePhantom';

/** Options of {@link createRawPhantom}. */
export interface RawPhantomOptions {
  /** Seed of the raw randomisation (margins, background, marker, muscle). Default: the phantom's seed. */
  seed?: number;
  /** Photometric interpretation of the DICOM. Default MONOCHROME1. */
  photometric?: 'MONOCHROME1' | 'MONOCHROME2';
  /** Bits Stored (8–16). Default 12. */
  bitsStored?: number;
  /** Store the frame mirrored: `true`, `false`, or `random` (default `random`, probability ½). */
  mirrored?: boolean | 'random';
  /**
   * Range of the muscle's brightness above the phantom's mean breast gray, drawn uniformly
   * (8-bit display levels). Default [30, 70]; small values make the muscle hard to see.
   */
  muscleContrast?: readonly [number, number];
  /** PatientID written to the DICOM. Default `PH<subject or seed>`. */
  patientId?: string;
}

/** A raw phantom and its truth. */
export interface RawPhantom {
  /** Width of the raw frame. */
  width: number;
  /** Height of the raw frame. */
  height: number;
  /** Stored pixel values (0 … 2^bitsStored − 1), row-major, as in the DICOM. */
  stored: Uint16Array;
  /** The raw frame as displayed (8-bit, after window and inversion): what a viewer shows. */
  display: Gray8Image;
  /** The DICOM Part 10 file. */
  dicom: Buffer;
  /** Ground truth of the preprocessing, in raw coordinates. */
  truth: {
    /** 1 inside the breast (pectoral muscle included). */
    breastMask: Uint8Array;
    /** 1 in the pectoral muscle (MLO), null for CC. */
    pectoralMask: Uint8Array | null;
    /** 1 on the label marker. */
    markerMask: Uint8Array;
    /** The crop at the skin line: bounding box of `breastMask`. */
    cropBox: PixelBox;
    /** Where the phantom image sits in the raw frame (before mirroring). */
    placement: PixelBox;
    /** Whether the raw frame is mirrored relative to the phantom (chest wall on the other side). */
    mirrored: boolean;
    /** Gray level of the muscle at its brightest (top chest-wall corner), 8-bit display units. */
    muscleGray: number | null;
  };
  /** The phantom it was made from. */
  phantom: Phantom;
}

/** 5×7 glyphs of the marker letters (rows top to bottom, bit 4 = leftmost column). */
const GLYPHS: Record<string, number[]> = {
  L: [0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f],
  R: [0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11],
  C: [0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e],
  M: [0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11],
  O: [0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e],
  ' ': [0, 0, 0, 0, 0, 0, 0],
};

function textMask(text: string, scale: number): { w: number; h: number; data: Uint8Array } {
  const w = text.length * 6 * scale - scale;
  const h = 7 * scale;
  const data = new Uint8Array(w * h);
  [...text].forEach((ch, k) => {
    const g = GLYPHS[ch] ?? GLYPHS[' '];
    for (let r = 0; r < 7; r++) {
      for (let c = 0; c < 5; c++) {
        if (!(g[r] & (0x10 >> c))) continue;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++)
            data[(r * scale + dy) * w + k * 6 * scale + c * scale + dx] = 1;
        }
      }
    }
  });
  return { w, h, data };
}

/**
 * Make the raw version of a phantom.
 * @param phantom A phantom from `generatePhantom`.
 * @param options Seed, photometric interpretation, bits, mirroring, patient id.
 * @returns The raw frame (stored values, display, DICOM file) and the truth in raw coordinates.
 */
export function createRawPhantom(phantom: Phantom, options: RawPhantomOptions = {}): RawPhantom {
  const rec = phantom.record;
  const rng = createRng(`raw:${options.seed ?? rec.seed}:${rec.projection}`);
  const bitsStored = options.bitsStored ?? 12;
  if (!(Number.isInteger(bitsStored) && bitsStored >= 8 && bitsStored <= 16)) {
    throw new RangeError(`createRawPhantom: expected bitsStored 8..16, got ${bitsStored}`);
  }
  const photometric = options.photometric ?? 'MONOCHROME1';
  const view = rec.projection.startsWith('CC') ? 'CC' : 'MLO';
  const side = rec.projection.endsWith('_R') ? 'R' : 'L';
  const chestRight = side === 'R';
  // The steps draw from one generator in this order.
  const { src, muscleGray } = withMuscle(phantom, rng, options, chestRight);
  const frame = placeInDetector(phantom, rng, view, chestRight);
  const { width, height } = frame;
  const { disp, breastMask, pectoralMask } = detectorImage(phantom, src, frame, rng);
  const markerMask = drawMarker(disp, breastMask, width, height, `${side} ${view}`, side, rng);
  const mirrored =
    options.mirrored === 'random' || options.mirrored === undefined
      ? rng.next() < 0.5
      : options.mirrored;
  if (mirrored) {
    for (const a of [disp, breastMask, pectoralMask, markerMask])
      if (a) mirrorRows(a, width, height);
  }
  const chestWallRightInRaw = chestRight !== mirrored;
  const { stored, display, lo, hi, full } = encodeStored(
    disp,
    width,
    height,
    bitsStored,
    photometric,
    rng,
  );
  // The file window (LINEAR_EXACT) maps value lo to black and hi to white before inversion.
  const center = photometric === 'MONOCHROME1' ? full - (lo + hi) / 2 : (lo + hi) / 2;
  const patientId = options.patientId ?? `PH${rec.subject || rec.seed}`;
  const dicom = writeDicom({
    width,
    height,
    pixels: stored,
    bitsAllocated: 16,
    bitsStored,
    photometric,
    patientId,
    viewPosition: view,
    imageLaterality: side,
    patientOrientation: `${chestWallRightInRaw ? 'P' : 'A'}\\${view === 'CC' ? side : 'F'}`,
    windowCenter: center,
    windowWidth: hi - lo,
    voiLutFunction: 'LINEAR_EXACT',
  });
  const cropBox = maskBoundingBox({ width, height, data: breastMask });
  if (!cropBox) throw new Error('createRawPhantom: the phantom has an empty breast mask');
  const placement = frame.placement;
  return {
    width,
    height,
    stored,
    display,
    dicom,
    truth: { breastMask, pectoralMask, markerMask, cropBox, placement, mirrored, muscleGray },
    phantom,
  };
}

/** Step 1: display image of the phantom with the muscle put back (striped, brighter). */
function withMuscle(
  phantom: Phantom,
  rng: Rng,
  options: RawPhantomOptions,
  chestRight: boolean,
): { src: Float32Array; muscleGray: number | null } {
  const { width: pw, height: ph } = phantom.image;
  const src = Float32Array.from(phantom.image.data);
  const pect = phantom.pectoralMask;
  if (!pect) return { src, muscleGray: null };
  const [cLow, cHigh] = options.muscleContrast ?? [30, 70];
  const level = Math.min(250, phantom.record.meanGray + rng.uniform(cLow, cHigh));
  const drop = rng.uniform(4, 12);
  const period = rng.uniform(0.02, 0.05) * ph;
  const amp = rng.uniform(1.5, 4);
  // Muscle extent: top width and chest-wall height of the mask (canonical coordinates).
  let topW = 0;
  let wallH = 0;
  for (let x = 0; x < pw; x++) if (pect[chestRight ? pw - 1 - x : x]) topW = x + 1;
  for (let y = 0; y < ph; y++) if (pect[y * pw + (chestRight ? pw - 1 : 0)]) wallH = y + 1;
  topW = Math.max(topW, 1);
  wallH = Math.max(wallH, 1);
  for (let y = 0; y < ph; y++) {
    for (let x = 0; x < pw; x++) {
      const i = y * pw + x;
      if (!pect[i]) continue;
      const xc = chestRight ? pw - 1 - x : x;
      const t = Math.min(1, xc / topW + y / wallH); // 0 at the corner, 1 at the edge
      // Fibres run roughly parallel to the muscle edge: stripes across (x/topW − y/wallH).
      const across = (xc * wallH - y * topW) / Math.hypot(topW, wallH);
      src[i] =
        level - drop * t + amp * Math.sin((2 * Math.PI * across) / period) + 1.5 * rng.normal();
    }
  }
  return { src, muscleGray: Math.round(level) };
}

/** Where the phantom sits in the detector frame (random margins; MLO touches the top). */
interface DetectorFrame {
  width: number;
  height: number;
  ox: number;
  oy: number;
  placement: PixelBox;
}

/** Step 2: placement in the detector frame. */
function placeInDetector(
  phantom: Phantom,
  rng: Rng,
  view: 'CC' | 'MLO',
  chestRight: boolean,
): DetectorFrame {
  const { width: pw, height: ph } = phantom.image;
  const m = (size: number): number => Math.round(size * rng.uniform(0.06, 0.22));
  const marginSide = m(pw);
  const marginTop = view === 'MLO' ? 0 : m(ph);
  const marginBottom = m(ph);
  const ox = chestRight ? marginSide : 0;
  const oy = marginTop;
  return {
    width: pw + marginSide,
    height: ph + marginTop + marginBottom,
    ox,
    oy,
    placement: { x0: ox, y0: oy, x1: ox + pw, y1: oy + ph },
  };
}

/** Step 3: background and breast in display units (0–255, float), with the frame's masks. */
function detectorImage(
  phantom: Phantom,
  src: Float32Array,
  frame: DetectorFrame,
  rng: Rng,
): { disp: Float32Array; breastMask: Uint8Array; pectoralMask: Uint8Array | null } {
  const { width, height, ox, oy } = frame;
  const { width: pw, height: ph } = phantom.image;
  const pect = phantom.pectoralMask;
  const n = width * height;
  const disp = new Float32Array(n);
  const breastMask = new Uint8Array(n);
  const pectoralMask = pect ? new Uint8Array(n) : null;
  const bgLevel = rng.uniform(0.02, 0.08) * 255;
  const gradient = rng.uniform(-0.02, 0.02) * 255;
  const noise = rng.uniform(0.7, 1.3) * 0.01 * 255;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const px = x - ox;
      const py = y - oy;
      const inside = px >= 0 && px < pw && py >= 0 && py < ph;
      const j = py * pw + px;
      if (inside && phantom.breastMask[j]) {
        breastMask[i] = 1;
        if (pectoralMask && pect && pect[j]) pectoralMask[i] = 1;
        disp[i] = src[j];
      } else {
        disp[i] = bgLevel + (gradient * y) / height + noise * rng.normal();
      }
    }
  }
  return { disp, breastMask, pectoralMask };
}

/**
 * Step 4: a label marker (`<side> <view>`, else `<side>`) drawn into `disp` away from the
 * breast; returns its mask (all zero when it fits nowhere).
 */
function drawMarker(
  disp: Float32Array,
  breastMask: Uint8Array,
  width: number,
  height: number,
  longText: string,
  shortText: string,
  rng: Rng,
): Uint8Array {
  const markerMask = new Uint8Array(width * height);
  const keepOut = dilateMask(
    { width, height, data: breastMask },
    Math.max(3, Math.round(0.02 * height)),
  ).data;
  const scale = Math.max(1, Math.round(height / 140));
  const markerGray = rng.uniform(235, 255);
  let placed = false;
  for (const text of [longText, shortText]) {
    const t = textMask(text, scale);
    for (let attempt = 0; attempt < 60 && !placed; attempt++) {
      if (t.w + 4 > width || t.h + 4 > height) break;
      const mx = 2 + rng.int(width - t.w - 3);
      const my = 2 + rng.int(height - t.h - 3);
      let clear = true;
      for (let y = 0; y < t.h && clear; y++) {
        for (let x = 0; x < t.w; x++) if (keepOut[(my + y) * width + mx + x]) clear = false;
      }
      if (!clear) continue;
      for (let y = 0; y < t.h; y++) {
        for (let x = 0; x < t.w; x++) {
          if (!t.data[y * t.w + x]) continue;
          const i = (my + y) * width + mx + x;
          markerMask[i] = 1;
          disp[i] = markerGray + rng.normal();
        }
      }
      placed = true;
    }
    if (placed) break;
  }
  return markerMask;
}

/** Step 5: mirror every row in place. */
function mirrorRows(a: Uint8Array | Float32Array, width: number, height: number): void {
  for (let y = 0; y < height; y++) a.subarray(y * width, (y + 1) * width).reverse();
}

/**
 * Step 6, encoding: display 0–255 ↦ [lo, hi] of the stored range (inverted for MONOCHROME1),
 * and the 8-bit display image.
 */
function encodeStored(
  disp: Float32Array,
  width: number,
  height: number,
  bitsStored: number,
  photometric: 'MONOCHROME1' | 'MONOCHROME2',
  rng: Rng,
): { stored: Uint16Array; display: Gray8Image; lo: number; hi: number; full: number } {
  const n = width * height;
  const full = (1 << bitsStored) - 1;
  const lo = Math.round(full * rng.uniform(0.05, 0.2));
  const hi = Math.round(full * rng.uniform(0.8, 0.95));
  const stored = new Uint16Array(n);
  const display: Gray8Image = { width, height, data: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const v = Math.min(full, Math.max(0, Math.round(lo + ((hi - lo) * disp[i]) / 255)));
    stored[i] = photometric === 'MONOCHROME1' ? full - v : v;
    display.data[i] = Math.min(255, Math.max(0, Math.round(disp[i])));
  }
  return { stored, display, lo, hi, full };
}
