/**
 * The pictures of one map, as the original's `MAPS/` folder holds them, plus a 16-bit map for
 * quantitative work and an alpha-blended overlay that keeps the anatomy visible:
 *
 * | file | content |
 * | --- | --- |
 * | `<pred>_<stem>_650.png` | the image as the network sees it: nearest-resized to the input size, 8-bit gray (`650` = the input height; `WxH` when not square) |
 * | `<pred>_<stem>_map.png` | the map coloured with matplotlib's `seismic` |
 * | `<pred>_<stem>_overlay.png` | the original's saturating overlay `addWeighted(img, 1, map, 1, 0)` |
 * | `<pred>_<stem>_blend.png` | alpha-blended overlay (opacity grows with the map value) |
 * | `<pred>_<stem>_contours.png` | iso-lines of the map at 0.25 / 0.5 / 0.75 over the image |
 * | `<pred>_<stem>_cam16.png` | the normalised map, 16-bit gray, `round(65535·m)` |
 * | `<pred>_<stem>_negative.png` | optional: the counterfactual map, coloured |
 *
 * `<pred>` is the predicted class name, `<stem>` the image file name without extension.
 */
import * as path from 'path';
import { writeFileAtomic } from '../io/atomicWrite';
import { encodePng, type Raster } from '../io/png';
import { seismicColormap } from './colormap';
import { DEFAULT_CONTOUR_LEVELS, drawContours, type ContourLevel } from './contours';
import { addWeightedOverlay, alphaBlendOverlay, colouredMap, mapToGray16 } from './overlay';

/** The pictures of one image. */
export interface CamImageSet {
  /** Network-size gray image. */
  input: Raster;
  /** Coloured map. */
  map: Raster;
  /** Saturating overlay (original). */
  overlay: Raster;
  /** Alpha-blended overlay. */
  blend: Raster;
  /** Contour picture. */
  contours: Raster;
  /** 16-bit normalised map. */
  cam16: Raster;
  /** Coloured counterfactual map, when asked for. */
  negative?: Raster;
}

/** Options of {@link renderCamImages}. */
export interface RenderCamOptions {
  /** Iso-levels of the contour picture (default 0.25, 0.5, 0.75). */
  contourLevels?: readonly ContourLevel[];
  /** Maximum opacity of the blended overlay (default 0.6). */
  alpha?: number;
  /** Counterfactual map to colour as well. */
  negativeMap?: Float32Array;
}

/**
 * Render the pictures of one map.
 * @param image The image at the network input size: `width·height` gray values 0–255.
 * @param width Input width.
 * @param height Input height.
 * @param map Normalised map in [0, 1], `width·height`.
 */
export function renderCamImages(
  image: Uint8Array,
  width: number,
  height: number,
  map: Float32Array,
  options: RenderCamOptions = {},
): CamImageSet {
  const input: Raster = { width, height, channels: 1, bitDepth: 8, data: image };
  const cmap = seismicColormap();
  const set: CamImageSet = {
    input,
    map: colouredMap(map, width, height, cmap),
    overlay: addWeightedOverlay(input, map, cmap),
    blend: alphaBlendOverlay(input, map, { alpha: options.alpha, colormap: cmap }),
    contours: drawContours(input, map, options.contourLevels ?? DEFAULT_CONTOUR_LEVELS),
    cam16: mapToGray16(map, width, height),
  };
  if (options.negativeMap) set.negative = colouredMap(options.negativeMap, width, height, cmap);
  return set;
}

/** File-name suffix of each picture (the input's depends on the size, see {@link camFileNames}). */
export const CAM_FILE_SUFFIXES = {
  map: '_map.png',
  overlay: '_overlay.png',
  blend: '_blend.png',
  contours: '_contours.png',
  cam16: '_cam16.png',
  negative: '_negative.png',
} as const;

/**
 * File names of the pictures of one image.
 * @param predicted Predicted class name (`A`…`D`).
 * @param stem Image file name without extension.
 * @param size `[H, W]` input size.
 * @returns Name per picture key.
 */
export function camFileNames(
  predicted: string,
  stem: string,
  size: [number, number],
): Record<keyof CamImageSet, string> {
  const prefix = `${predicted}_${stem}`;
  const sizeTag = size[0] === size[1] ? `${size[0]}` : `${size[1]}x${size[0]}`;
  return {
    input: `${prefix}_${sizeTag}.png`,
    map: prefix + CAM_FILE_SUFFIXES.map,
    overlay: prefix + CAM_FILE_SUFFIXES.overlay,
    blend: prefix + CAM_FILE_SUFFIXES.blend,
    contours: prefix + CAM_FILE_SUFFIXES.contours,
    cam16: prefix + CAM_FILE_SUFFIXES.cam16,
    negative: prefix + CAM_FILE_SUFFIXES.negative,
  };
}

/**
 * Write the pictures as PNG files (each atomically) into `dir`.
 * @returns Absolute paths written, per picture key.
 */
export function writeCamImages(
  dir: string,
  names: Record<keyof CamImageSet, string>,
  set: CamImageSet,
): Partial<Record<keyof CamImageSet, string>> {
  const written: Partial<Record<keyof CamImageSet, string>> = {};
  for (const key of Object.keys(set) as (keyof CamImageSet)[]) {
    const raster = set[key];
    if (!raster) continue;
    const file = path.join(dir, names[key]);
    writeFileAtomic(file, encodePng(raster));
    written[key] = file;
  }
  return written;
}
