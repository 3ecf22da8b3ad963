/**
 * VOI windowing to 8 bits (PS3.3 C.11.2.1.2): the DICOM window from the file (LINEAR,
 * LINEAR_EXACT or SIGMOID), else the VOI LUT table, else a documented fallback window from
 * percentiles of the image; then MONOCHROME1 inversion (minimum value shown white).
 */
import { createGray8Image, type Gray8Image } from './grayImage';
import type { VoiLutTable, VoiWindow } from './readDicom';

/**
 * Fallback window when the file has none: from the 0.1th to the 99.9th percentile of the pixel
 * values (padding pixels excluded). Percentiles rather than min–max so that a few saturated
 * pixels (lead markers, dead pixels) do not squeeze the breast into a few gray levels.
 */
export const FALLBACK_PERCENTILES: readonly [number, number] = [0.1, 99.9];

/** Options of {@link windowToGray}. */
export interface WindowToGrayOptions {
  /** Window from the file (takes precedence). */
  window?: VoiWindow | null;
  /** VOI LUT table from the file (used when there is no window). */
  voiLut?: VoiLutTable | null;
  /** Invert after windowing (MONOCHROME1). */
  invert?: boolean;
  /** 1 = padding pixel: excluded from the fallback percentiles and set to black. */
  padding?: Uint8Array | null;
  /** Percentiles [low, high] of the fallback window, in percent. Default {@link FALLBACK_PERCENTILES}. */
  fallbackPercentiles?: readonly [number, number];
}

/** Result of {@link windowToGray}. */
export interface WindowToGrayResult {
  /** The 8-bit display image. */
  image: Gray8Image;
  /** What set the window: the file's window, its VOI LUT, or the percentile fallback. */
  method: 'window' | 'voi-lut' | 'percentile';
  /** Input value shown black (before inversion), i.e. the window's lower end. */
  low: number;
  /** Input value shown white (before inversion), i.e. the window's upper end. */
  high: number;
}

/**
 * Values at percentiles `pLow`, `pHigh` (0–100), symmetric: the k-th smallest and k-th largest
 * of the included values with k = floor(p/100 · n), so a negated image gives negated bounds.
 */
function percentileBounds(
  values: ArrayLike<number>,
  pLow: number,
  pHigh: number,
  exclude: Uint8Array | null | undefined,
): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  let integral = true;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    if (exclude?.[i]) continue;
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (integral && v !== Math.round(v)) integral = false;
    n++;
  }
  if (n === 0) return [0, 1];
  const kLow = Math.min(n - 1, Math.floor((pLow / 100) * n));
  const kHigh = Math.min(n - 1, Math.floor(((100 - pHigh) / 100) * n));
  if (integral && max - min <= 1 << 20) {
    const counts = new Uint32Array(max - min + 1);
    for (let i = 0; i < values.length; i++) if (!exclude?.[i]) counts[values[i] - min]++;
    let lo = min;
    for (let acc = 0, v = 0; v < counts.length; v++) {
      acc += counts[v];
      if (acc > kLow) {
        lo = v + min;
        break;
      }
    }
    let hi = max;
    for (let acc = 0, v = counts.length - 1; v >= 0; v--) {
      acc += counts[v];
      if (acc > kHigh) {
        hi = v + min;
        break;
      }
    }
    return [lo, hi];
  }
  const sorted = new Float64Array(n);
  for (let i = 0, j = 0; i < values.length; i++) if (!exclude?.[i]) sorted[j++] = values[i];
  sorted.sort();
  return [sorted[kLow], sorted[n - 1 - kHigh]];
}

/**
 * Convert modality values to an 8-bit display image.
 * @param values Pixel values after the modality LUT, row-major, length width·height.
 * @param width Columns.
 * @param height Rows.
 * @param options Window/LUT from the file, inversion, padding, fallback percentiles.
 * @returns The 8-bit image (0 black … 255 white after inversion) and the window used.
 */
export function windowToGray(
  values: ArrayLike<number>,
  width: number,
  height: number,
  options: WindowToGrayOptions = {},
): WindowToGrayResult {
  if (values.length !== width * height) {
    throw new Error(
      `windowToGray: expected ${width}x${height} = ${width * height} values, got ${values.length}`,
    );
  }
  const image = createGray8Image(width, height);
  const out = image.data;
  const invert = options.invert === true;
  const padding = options.padding;
  // y in [0, 255] as a real number; inversion before the single rounding keeps MONOCHROME1 and
  // MONOCHROME2 renderings of mirrored data identical.
  const put = (i: number, y: number): void => {
    out[i] = padding?.[i] ? 0 : Math.round(invert ? 255 - y : y);
  };
  const w = options.window;
  if (w) {
    const { center: c, width: ww, fn } = w;
    let low: number;
    let high: number;
    if (fn === 'LINEAR') {
      low = c - 0.5 - (ww - 1) / 2;
      high = c - 0.5 + (ww - 1) / 2;
      for (let i = 0; i < values.length; i++) {
        const x = values[i];
        put(
          i,
          x <= low ? 0 : x > high ? 255 : ww <= 1 ? 255 : ((x - (c - 0.5)) / (ww - 1) + 0.5) * 255,
        );
      }
    } else if (fn === 'LINEAR_EXACT') {
      low = c - ww / 2;
      high = c + ww / 2;
      for (let i = 0; i < values.length; i++) {
        const x = values[i];
        put(i, x <= low ? 0 : x > high ? 255 : ((x - c) / ww + 0.5) * 255);
      }
    } else {
      low = c - ww / 2;
      high = c + ww / 2;
      for (let i = 0; i < values.length; i++)
        put(i, 255 / (1 + Math.exp((-4 * (values[i] - c)) / ww)));
    }
    return { image, method: 'window', low, high };
  }
  const lut = options.voiLut;
  if (lut) {
    const top = (1 << lut.bits) - 1;
    const last = lut.data.length - 1;
    for (let i = 0; i < values.length; i++) {
      const k = Math.min(last, Math.max(0, Math.round(values[i]) - lut.firstMapped));
      put(i, (lut.data[k] * 255) / top);
    }
    return { image, method: 'voi-lut', low: lut.firstMapped, high: lut.firstMapped + last };
  }
  const [pLow, pHigh] = options.fallbackPercentiles ?? FALLBACK_PERCENTILES;
  const [low, high] = percentileBounds(values, pLow, pHigh, padding);
  const span = high - low;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    put(
      i,
      span <= 0 ? (x > low ? 255 : 0) : x <= low ? 0 : x >= high ? 255 : ((x - low) * 255) / span,
    );
  }
  return { image, method: 'percentile', low, high };
}
