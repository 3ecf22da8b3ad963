/**
 * Overlays of a coloured map on the mammogram, as 8-bit RGB rasters.
 *
 * - {@link addWeightedOverlay}: the original's `cv2.addWeighted(img, 1, heatmap, 1, 0)`, i.e. the
 *   saturating sum img + heatmap clipped to 255. With `seismic` every colour has a large red or
 *   blue component, so bright tissue saturates to white/magenta: faithful, but the anatomy
 *   under a strong map is lost.
 * - {@link alphaBlendOverlay}: `(1 − a)·img + a·colour` with a per-pixel opacity `a = α·m` that
 *   grows with the map value m (or a uniform α): cold regions show the mammogram untouched,
 *   hot regions are tinted, and the anatomy stays visible.
 */
import * as tf from '@tensorflow/tfjs';
import type { Raster } from '../io/png';
import { applyColormap, seismicColormap, type Colormap } from './colormap';

/**
 * An 8-bit raster as interleaved RGB (gray replicated; alpha dropped; 16-bit scaled by 1/257).
 * @param image 1–4 channel raster.
 * @returns A new 3-channel 8-bit raster.
 */
export function toRgb8(image: Raster): Raster {
  const { width, height, channels, data, bitDepth } = image;
  const n = width * height;
  const out = new Uint8Array(n * 3);
  const scale = bitDepth === 16 ? 1 / 257 : 1;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < 3; c++) {
      const src = channels >= 3 ? data[p * channels + c] : data[p * channels];
      out[3 * p + c] = Math.round(src * scale);
    }
  }
  return { width, height, channels: 3, bitDepth: 8, data: out };
}

function checkSizes(image: Raster, n: number, what: string): void {
  tf.util.assert(
    image.width * image.height === n,
    () =>
      `${what}: map has ${n} values, the image is ${image.width}×${image.height} = ${image.width * image.height} pixels`,
  );
}

/**
 * The original's overlay: `cv2.addWeighted(img, 1, colouredMap, 1, 0)` (saturating sum).
 * @param image The network-size image (gray or RGB, 8/16-bit).
 * @param map Map values in [0, 1], `width·height`, row-major.
 * @param colormap Default `seismic`.
 * @returns 8-bit RGB raster.
 */
export function addWeightedOverlay(
  image: Raster,
  map: ArrayLike<number>,
  colormap: Colormap = seismicColormap(),
): Raster {
  checkSizes(image, map.length, 'addWeightedOverlay');
  const rgb = toRgb8(image);
  const colours = applyColormap(map, colormap);
  const out = new Uint8Array(rgb.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(255, rgb.data[i] + colours[i]);
  return { ...rgb, data: out };
}

/** Options of {@link alphaBlendOverlay}. */
export interface AlphaBlendOptions {
  /** Maximum opacity of the colour, in [0, 1]. Default 0.6. */
  alpha?: number;
  /** `map` (default): opacity α·m, so low map values leave the image untouched; `uniform`: α. */
  weighting?: 'map' | 'uniform';
  /** Colormap, default `seismic`. */
  colormap?: Colormap;
}

/**
 * Alpha-blended overlay that keeps the anatomy visible.
 * @param image The network-size image (gray or RGB).
 * @param map Map values in [0, 1], `width·height`.
 * @returns 8-bit RGB raster: `round((1 − a)·img + a·colour)`.
 */
export function alphaBlendOverlay(
  image: Raster,
  map: ArrayLike<number>,
  options: AlphaBlendOptions = {},
): Raster {
  checkSizes(image, map.length, 'alphaBlendOverlay');
  const alpha = options.alpha ?? 0.6;
  tf.util.assert(alpha >= 0 && alpha <= 1, () => `alpha must be in [0, 1], got ${alpha}`);
  const byMap = (options.weighting ?? 'map') === 'map';
  const rgb = toRgb8(image);
  const colours = applyColormap(map, options.colormap ?? seismicColormap());
  const out = new Uint8Array(rgb.data.length);
  for (let p = 0; p < map.length; p++) {
    const m = Number.isFinite(map[p]) ? Math.min(1, Math.max(0, map[p])) : 0;
    const a = byMap ? alpha * m : alpha;
    for (let c = 0; c < 3; c++) {
      const i = 3 * p + c;
      out[i] = Math.round((1 - a) * rgb.data[i] + a * colours[i]);
    }
  }
  return { ...rgb, data: out };
}

/**
 * A map as an RGB picture with a colormap (the original's `_map.png`).
 * @param map Values in [0, 1], `width·height`.
 */
export function colouredMap(
  map: ArrayLike<number>,
  width: number,
  height: number,
  colormap: Colormap = seismicColormap(),
): Raster {
  tf.util.assert(
    map.length === width * height,
    () => `colouredMap: expected ${width}×${height} values, got ${map.length}`,
  );
  return { width, height, channels: 3, bitDepth: 8, data: applyColormap(map, colormap) };
}

/**
 * A map as a 16-bit grayscale raster, `round(65535·m)` (for quantitative analysis: `_cam16.png`).
 * @param map Values in [0, 1] (clipped), `width·height`.
 */
export function mapToGray16(map: ArrayLike<number>, width: number, height: number): Raster {
  tf.util.assert(
    map.length === width * height,
    () => `mapToGray16: expected ${width}×${height} values, got ${map.length}`,
  );
  const data = new Uint16Array(map.length);
  for (let i = 0; i < map.length; i++) {
    const v = Number.isFinite(map[i]) ? Math.min(1, Math.max(0, map[i])) : 0;
    data[i] = Math.round(v * 65535);
  }
  return { width, height, channels: 1, bitDepth: 16, data };
}
