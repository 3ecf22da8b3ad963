/**
 * One synthetic preprocessed mammogram with its ground truth: where the dense
 * (fibroglandular) tissue is.
 *
 * Model (left breast drawn, right views mirrored so the chest wall is at the right edge):
 * 1. Outline from {@link randomBreastShape} (CC or MLO), black background, breast cut at the
 *    skin line, chest wall on the image edge.
 * 2. Dense-tissue propensity `S = G₃ + 0.45·G₂.₆ + 1.3·(2·P − 1) − 1.5·e^(−d/0.03H)`: `G_β` are
 *    power-law fields (1/f^β, {@link powerLawFields}; β = 3 as measured for breast tissue by
 *    Burgess et al. 2001, plus a finer β = 2.6 component), `P` a broad Gaussian prior centred
 *    behind the nipple towards the chest wall (higher in MLO: upper-outer quadrant), and the last
 *    term keeps a subcutaneous fat layer (d = distance to the skin line).
 * 3. The dense mask is `S ≥ t`, with `t` the quantile that makes exactly the requested fraction of
 *    breast pixels dense (breast = not background and, in MLO, not the pectoral region).
 * 4. Intensity (arbitrary units) `r = T(d)·(1 + 0.25·D·(0.7 + 0.15·G₂.₆ + 0.4·F)) + λ·L·(1 − 0.6·D)`,
 *    with `D` a soft version of the mask (same 50 % boundary, smooth over ±0.9 units of S),
 *    `F` fibrous streaks (the fine field stretched 6:1 along the chest-wall → nipple axis),
 *    `T(d) = 1 − 0.07·e^(−d/0.04H) + 0.12·e^(−d/0.005H)` a slight thickness fall-off towards the
 *    skin line plus a thin bright skin line, `L` Cooper's-ligament-like strands (thin bright
 *    curves along the zero crossings of another power-law field), `λ ~ U(0.06, 0.12)`.
 * 5. Gray = `m + g·(r − mean r) + quantum noise`, where the breast mean `m ~ U(132, 172)` and the
 *    gain `g ~ 105·U(0.75, 1.3)` are drawn independently of the density (quantum noise σ ~ U(0.8, 1.8)
 *    gray levels): mean intensity says nothing about the class, only the bright-area fraction does.
 * 6. MLO: the pectoral region is set to the mean breast gray, as the original preprocessing did.
 *
 * Everything is drawn from the seeds (texture `seed`, outline `anatomySeed`); length scales are
 * fractions of the image height, so the outline is the same at every size. The texture grid grows
 * with the height (one fine cell per 1–2 px, up to 1024 cells: see `drawTexture`), so phantoms
 * of mammogram size (e.g. 1000 × 1750) have fine structure of their own; images whose heights
 * fall in the same power-of-two band (e.g. 1025–2048 px) share one texture draw.
 */
import { createRng, type Rng } from '../data/createRng';
import type { GrayImage } from '../data/loadImage';
import { PROJECTIONS, isProjection, type ClassName, type Projection } from '../model/constants';
import { randomBreastShape, rasteriseShape, type BreastShape } from './breastShape';
import { DENSITY_THRESHOLDS, densityClass } from './densityClass';
import { distanceToBackground } from './distanceToBackground';
import { fieldRowSampler, normalQuantiles, powerLawFields } from './powerLawNoise';

/** Default phantom size: 384 × 672 (aspect 0.57, the mean of the original sample images). */
export const PHANTOM_DEFAULT_SIZE = { width: 384, height: 672 } as const;

/** Generator version written to every record (bump when the output changes). */
export const PHANTOM_GENERATOR = 'breast-density-phantom/2';

/**
 * Finest texture grid, cells per image height: images up to 2048 px high get about one cell per
 * 1–2 px (version 1 stopped at 256, so a mammogram-sized phantom was a magnified small one).
 */
const PHANTOM_MAX_GRID = 1024;

/** Largest phantom image, width × height in pixels (40 Mpixel, e.g. 6000 × 6600). */
export const PHANTOM_MAX_PIXELS = 40_000_000;

/** Options of {@link generatePhantom}. */
export interface PhantomOptions {
  /** Texture seed (unsigned 32-bit integer or any integer). */
  seed: number;
  /** Projection: CC_L, CC_R, MLO_L, MLO_R. */
  projection: Projection;
  /** Target dense fraction in [0, 1] of the breast (pectoral excluded). */
  denseFraction: number;
  /** Width in pixels (default 384). */
  width?: number;
  /** Height in pixels (default 672). */
  height?: number;
  /** Subject id written to the record. Default `''`. */
  subject?: string;
  /** Seed of the outline; the four views of a subject share it. Default: `seed`. */
  anatomySeed?: number;
  /** Class thresholds for the record. Default [0.25, 0.5, 0.75]. */
  thresholds?: readonly [number, number, number];
}

/** What was generated, as written to the JSON record. */
export interface PhantomRecord {
  /** Texture seed. */
  seed: number;
  /** Outline seed. */
  anatomySeed: number;
  /** Projection. */
  projection: Projection;
  /** Dense fraction of the final mask: dense pixels / breast pixels (pectoral excluded). */
  denseFraction: number;
  /** The requested fraction. */
  targetDenseFraction: number;
  /** Class of `denseFraction` under `thresholds`. */
  className: ClassName;
  /** Subject id. */
  subject: string;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Class thresholds used. */
  thresholds: [number, number, number];
  /** Breast pixels, pectoral excluded (the denominator). */
  breastPixels: number;
  /** Dense pixels (the numerator). */
  densePixels: number;
  /** Pectoral pixels (0 for CC). */
  pectoralPixels: number;
  /** Mean gray of the breast (pectoral excluded). */
  meanGray: number;
  /** Generator version. */
  generator: string;
}

/** A phantom: image, ground-truth masks (row-major, same size) and record. */
export interface Phantom {
  /** 8-bit gray image; background 0, breast ≥ 1. */
  image: GrayImage;
  /** 1 where the tissue is dense (never inside the pectoral region or background). */
  denseMask: Uint8Array;
  /** 1 inside the breast outline, pectoral region included. */
  breastMask: Uint8Array;
  /** MLO: 1 in the pectoral region replaced by the mean gray; null for CC. */
  pectoralMask: Uint8Array | null;
  /** Parameters and measured values. */
  record: PhantomRecord;
}

const NORMAL_TABLE_SIZE = 4096;

/**
 * The k-th largest value (k ≥ 1) of `values` by a 4096-bin histogram and a sort of the one bin
 * that holds it (linear time instead of sorting everything).
 */
function kthLargest(values: Float32Array, k: number, lo: number, hi: number): number {
  const bins = 4096;
  if (!(hi > lo)) return lo;
  const scale = (bins - 1e-6) / (hi - lo);
  const hist = new Uint32Array(bins);
  for (let i = 0; i < values.length; i++) hist[((values[i] - lo) * scale) | 0]++;
  let above = 0;
  let b = bins - 1;
  while (b > 0 && above + hist[b] < k) above += hist[b--];
  const inBin: number[] = [];
  for (let i = 0; i < values.length; i++)
    if ((((values[i] - lo) * scale) | 0) === b) inBin.push(values[i]);
  inBin.sort((x, y) => y - x);
  return inBin[k - above - 1];
}

function mirror(a: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let x = 0; x < width; x++) out[o + x] = a[o + width - 1 - x];
  }
  return out;
}

/**
 * Generate one phantom (see the module comment for the model).
 * @param options Seed, projection, dense fraction, size, subject.
 * @returns Image, masks and record; identical for identical options.
 */
export function generatePhantom(options: PhantomOptions): Phantom {
  const { width, height } = checkPhantomOptions(options);
  const { projection, denseFraction: target } = options;
  const seed = options.seed >>> 0;
  const anatomySeed = (options.anatomySeed ?? options.seed) >>> 0;
  const thresholds = [...(options.thresholds ?? DENSITY_THRESHOLDS)] as [number, number, number];
  const view = projection.startsWith('CC') ? 'CC' : 'MLO';
  const shape = randomBreastShape(view, createRng(`anatomy:${anatomySeed}:${view}`));
  const rng = createRng(`texture:${seed}:${projection}`);
  const masks = breastMasks(shape, width, height);
  // The draws below keep their order (fields, then prior and gray levels, then the noise).
  const texture = drawTexture(rng, shape, view, width, height);
  const terms = tissueTerms(masks, texture, width, height);
  const k = Math.round(target * masks.regionCount);
  const thr = k > 0 ? kthLargest(terms.regionValues, k, terms.sMin, terms.sMax) : Infinity;
  const { dense, denseCount, r, rMean } = denseMaskAndIntensity(masks, terms, thr, k);
  const { data, meanGray, pectoralCount } = grayLevels(masks, texture, r, rMean, rng);
  const right = projection.endsWith('_R');
  const flip = (a: Uint8Array): Uint8Array => (right ? mirror(a, width, height) : a);
  const { regionCount, breast, pectoral } = masks;
  const denseFraction = regionCount > 0 ? denseCount / regionCount : 0;
  return {
    image: {
      width,
      height,
      data: flip(data),
      sourceBitDepth: 8,
      sourceChannels: 1,
    },
    denseMask: flip(dense),
    breastMask: flip(breast),
    pectoralMask: pectoral ? flip(pectoral) : null,
    record: {
      seed,
      anatomySeed,
      projection,
      denseFraction,
      targetDenseFraction: target,
      className: densityClass(denseFraction, thresholds),
      subject: options.subject ?? '',
      width,
      height,
      thresholds,
      breastPixels: regionCount,
      densePixels: denseCount,
      pectoralPixels: pectoralCount,
      meanGray: Math.round(meanGray * 1000) / 1000,
      generator: PHANTOM_GENERATOR,
    },
  };
}

/** Check the options; returns the size (defaults applied). */
function checkPhantomOptions(options: PhantomOptions): { width: number; height: number } {
  const width = options.width ?? PHANTOM_DEFAULT_SIZE.width;
  const height = options.height ?? PHANTOM_DEFAULT_SIZE.height;
  const { projection, denseFraction: target } = options;
  if (!isProjection(projection)) {
    throw new RangeError(
      `generatePhantom: expected projection ${PROJECTIONS.join('|')}, got ${projection}`,
    );
  }
  if (!(target >= 0 && target <= 1)) {
    throw new RangeError(`generatePhantom: expected denseFraction in [0, 1], got ${target}`);
  }
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 16 && height >= 16)) {
    throw new RangeError(
      `generatePhantom: expected whole width, height ≥ 16, got ${width}x${height}`,
    );
  }
  if (width * height > PHANTOM_MAX_PIXELS) {
    throw new RangeError(`generatePhantom: ${width}x${height} is larger than 40 Mpixel`);
  }
  return { width, height };
}

/** Breast and pectoral masks (unmirrored), the breast region without the pectoral muscle. */
interface BreastMasks {
  breast: Uint8Array;
  pectoral: Uint8Array | null;
  /** 1 inside the breast and outside the pectoral muscle. */
  region: Uint8Array;
  regionCount: number;
  /** Chamfer distance to the background, pixels. */
  dist: Float32Array;
}

function breastMasks(shape: BreastShape, width: number, height: number): BreastMasks {
  const { breast, pectoral } = rasteriseShape(shape, width, height);
  const n = width * height;
  const region = new Uint8Array(n);
  let regionCount = 0;
  for (let i = 0; i < n; i++) {
    if (breast[i] && !(pectoral && pectoral[i])) {
      region[i] = 1;
      regionCount++;
    }
  }
  const dist = distanceToBackground(breast, width, height);
  return { breast, pectoral, region, regionCount, dist };
}

/** The random fields and parameters of one phantom's texture, drawn in a fixed order. */
interface PhantomTexture {
  nLow: number;
  nMid: number;
  gLow: Float32Array;
  gFat: Float32Array;
  gMid: Float32Array;
  gLig: Float32Array;
  /** Centre and spread (pixels) of the dense-tissue prior. */
  cx: number;
  cy: number;
  sx: number;
  sy: number;
  gain: number;
  meanTarget: number;
  noiseSd: number;
  ox: number;
  oy: number;
  ligStrength: number;
}

function drawTexture(
  rng: Rng,
  shape: BreastShape,
  view: 'CC' | 'MLO',
  width: number,
  height: number,
): PhantomTexture {
  // Field grids: about one fine cell per 1–2 pixels (the next power of two of height/2, from 32
  // up to 1024 cells per image height, the coarse grid half that). The grid period is the image
  // height whatever its size, so a larger image keeps the same large-scale structure and gains
  // the finer power-law detail a mammogram at that resolution has, instead of a magnified copy.
  const nMid = Math.min(PHANTOM_MAX_GRID, Math.max(32, 1 << Math.ceil(Math.log2(height / 2))));
  const nLow = nMid / 2;
  const [gLow, gFat] = powerLawFields(nLow, 3, rng);
  const [gMid, gLig] = powerLawFields(nMid, 2.6, rng, 2);
  // Prior of dense tissue: behind the nipple, towards the chest wall.
  const cx = shape.xn * width * rng.uniform(0.3, 0.5);
  const cy =
    (shape.yn - (view === 'MLO' ? rng.uniform(0.05, 0.15) : rng.uniform(-0.05, 0.05))) * height;
  const sx = shape.xn * width * rng.uniform(0.38, 0.5);
  const sy = height * rng.uniform(0.22, 0.32);
  const gain = 105 * rng.uniform(0.75, 1.3);
  const meanTarget = rng.uniform(132, 172);
  const noiseSd = rng.uniform(0.8, 1.8);
  const ox = rng.uniform(0, 1) * nLow;
  const oy = rng.uniform(0, 1) * nLow;
  const ligStrength = rng.uniform(0.06, 0.12);
  return {
    nLow,
    nMid,
    gLow,
    gFat,
    gMid,
    gLig,
    cx,
    cy,
    sx,
    sy,
    gain,
    meanTarget,
    noiseSd,
    ox,
    oy,
    ligStrength,
  };
}

/** Pass 1 results: propensity `s` and the intensity terms `termA`, `termB` per pixel. */
interface TissueTerms {
  s: Float32Array;
  termA: Float32Array;
  termB: Float32Array;
  /** `s` of the region pixels, in pixel order, and its range. */
  regionValues: Float32Array;
  sMin: number;
  sMax: number;
}

/** Distance lookup tables of pass 1 (distance in 1/3-pixel chamfer steps up to `dMax`). */
function distanceTables(height: number): {
  dMax: number;
  subcutT: Float32Array;
  thickT: Float32Array;
} {
  const dMax = Math.ceil(0.4 * height * 3) + 1;
  const subcutT = new Float32Array(dMax + 1);
  const thickT = new Float32Array(dMax + 1);
  const rimW = Math.max(0.8, 0.005 * height);
  for (let j = 0; j <= dMax; j++) {
    const d = j / 3;
    subcutT[j] = 1.5 * Math.exp(-d / (0.03 * height));
    thickT[j] = 1 - 0.07 * Math.exp(-d / (0.04 * height)) + 0.12 * Math.exp(-d / rimW);
  }
  return { dMax, subcutT, thickT };
}

/** The five row samplers of pass 1 (coarse, mid, fine, ligament and fat fields). */
function textureRowSamplers(t: PhantomTexture, width: number, height: number) {
  const { nLow, nMid } = t;
  const kLow = nLow / height;
  const kMid = nMid / height;
  return {
    rowLow: fieldRowSampler(t.gLow, nLow, width, kLow, t.ox, t.oy),
    rowMid: fieldRowSampler(t.gMid, nMid, width, kMid, 0, 0),
    rowFine: fieldRowSampler(t.gMid, nMid, width, kMid * 2.3, (37 * nMid) / 256, (11 * nMid) / 256),
    rowLig: fieldRowSampler(t.gLig, nMid, width, kMid * 0.3, (91 * nMid) / 256, (17 * nMid) / 256),
    rowFat: fieldRowSampler(t.gFat, nLow, width, kLow * 1.7, 0, 0),
  };
}

/**
 * Pass 1: propensity s and the two intensity terms A, B (r = B + A·D for dense membership D),
 * breast pixels only. Exponentials come from tables (distance is in 1/3-pixel chamfer steps,
 * the prior is separable) because Math.exp dominated the run time.
 */
function tissueTerms(
  masks: BreastMasks,
  t: PhantomTexture,
  width: number,
  height: number,
): TissueTerms {
  const { breast, region, dist } = masks;
  const n = width * height;
  const s = new Float32Array(n);
  const termA = new Float32Array(n);
  const termB = new Float32Array(n);
  const regionValues = new Float32Array(masks.regionCount);
  let rv = 0;
  let sMin = Infinity;
  let sMax = -Infinity;
  const { dMax, subcutT, thickT } = distanceTables(height);
  const priorX = new Float32Array(width);
  for (let x = 0; x < width; x++) priorX[x] = Math.exp(-0.5 * ((x + 0.5 - t.cx) / t.sx) ** 2);
  const { rowLow, rowMid, rowFine, rowLig, rowFat } = textureRowSamplers(t, width, height);
  const low = new Float32Array(width);
  const mid = new Float32Array(width);
  const fine = new Float32Array(width);
  const ligRow = new Float32Array(width);
  const fat = new Float32Array(width);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    let first = -1;
    let last = -1;
    for (let x = 0; x < width; x++) {
      if (breast[o + x]) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    rowLow(y, low);
    rowMid(y, mid);
    rowFine(y, fine);
    rowLig(y, ligRow);
    rowFat(y, fat);
    const priorY = Math.exp(-0.5 * ((y + 0.5 - t.cy) / t.sy) ** 2);
    for (let x = first; x <= last; x++) {
      const i = o + x;
      if (!breast[i]) continue;
      const lg = ligRow[x] * 9;
      const q = 1 - lg * lg;
      const lig = q > 0 ? q * q * q : 0; // thin bright curve along the zero crossings
      const dj = Math.min(Math.round(dist[i] * 3), dMax);
      const v = low[x] + 0.45 * mid[x] + 1.3 * (2 * priorX[x] * priorY - 1) - subcutT[dj];
      s[i] = v;
      const thick = thickT[dj] * (1 + 0.035 * fat[x]);
      termA[i] = thick * 0.25 * (0.7 + 0.15 * mid[x] + 0.4 * fine[x]) - 0.6 * t.ligStrength * lig;
      termB[i] = thick + t.ligStrength * lig;
      if (region[i]) {
        regionValues[rv++] = v;
        if (v < sMin) sMin = v;
        if (v > sMax) sMax = v;
      }
    }
  }
  return { s, termA, termB, regionValues, sMin, sMax };
}

/** Pass 2: dense mask (exactly k pixels above `thr`) and relative intensity r (in `termB`). */
function denseMaskAndIntensity(
  masks: BreastMasks,
  terms: TissueTerms,
  thr: number,
  k: number,
): { dense: Uint8Array; denseCount: number; r: Float32Array; rMean: number } {
  const { breast, region, regionCount } = masks;
  const { s, termA, termB } = terms;
  const n = breast.length;
  const dense = new Uint8Array(n);
  let denseCount = 0;
  const r = termB; // r = B + D·A, computed in place
  let rSum = 0;
  for (let i = 0; i < n; i++) {
    if (!breast[i]) continue;
    if (region[i] && s[i] >= thr && denseCount < k) {
      dense[i] = 1;
      denseCount++;
    }
    const t = Math.min(Math.max((s[i] - thr) / 1.8 + 0.5, 0), 1);
    const dd = t * t * (3 - 2 * t);
    r[i] = termB[i] + dd * termA[i];
    if (region[i]) rSum += r[i];
  }
  const rMean = regionCount > 0 ? rSum / regionCount : 0;
  return { dense, denseCount, r, rMean };
}

/** 8-bit gray levels with noise; the pectoral muscle filled with the mean breast gray. */
function grayLevels(
  masks: BreastMasks,
  t: PhantomTexture,
  r: Float32Array,
  rMean: number,
  rng: Rng,
): { data: Uint8Array; meanGray: number; pectoralCount: number } {
  const { region, regionCount, pectoral } = masks;
  const n = region.length;
  const data = new Uint8Array(n);
  let gSum = 0;
  const table = normalQuantiles(NORMAL_TABLE_SIZE);
  for (let i = 0; i < n; i++) {
    if (!region[i]) continue;
    const noise = table[(rng.next() * NORMAL_TABLE_SIZE) | 0];
    const v = t.meanTarget + t.gain * (r[i] - rMean) + t.noiseSd * noise;
    data[i] = v < 1 ? 1 : v > 255 ? 255 : Math.round(v);
    gSum += data[i];
  }
  const meanGray = regionCount > 0 ? gSum / regionCount : 0;
  let pectoralCount = 0;
  if (pectoral) {
    const fill = Math.max(1, Math.round(meanGray));
    for (let i = 0; i < n; i++) {
      if (pectoral[i]) {
        data[i] = fill;
        pectoralCount++;
      }
    }
  }
  return { data, meanGray, pectoralCount };
}
