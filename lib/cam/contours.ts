/**
 * Iso-lines of a map (marching squares) and their drawing over the image: the original's
 * `_contours.png`, which outlines where the map exceeds a level.
 *
 * Marching squares (W. E. Lorensen, H. E. Cline, "Marching cubes", SIGGRAPH 1987, in 2-D):
 * each cell of four neighbouring samples is classified by which corners are ≥ the level; the
 * iso-line crosses the cell's edges where the level is met, located by linear interpolation.
 * Saddle cells (diagonal corners on the same side) are resolved with the mean of the four
 * corners, so the lines never cross. Coordinates are in pixels with (0, 0) at the centre of the
 * top-left pixel, x to the right, y down.
 */
import * as tf from '@tensorflow/tfjs';
import type { Raster } from '../io/png';
import { toRgb8 } from './overlay';

/**
 * Iso-line segments of `values` at `level`.
 * @param values Row-major grid `width·height` (e.g. a normalised map).
 * @param width Grid width.
 * @param height Grid height.
 * @param level Iso-level (samples ≥ level are "inside").
 * @returns Flat list `[x0, y0, x1, y1, …]`, one quadruple per segment (float32).
 */
export function marchingSquares(
  values: ArrayLike<number>,
  width: number,
  height: number,
  level: number,
): Float32Array {
  tf.util.assert(
    values.length === width * height,
    () => `marchingSquares: expected ${width}×${height} values, got ${values.length}`,
  );
  const segs: number[] = [];
  const v = (x: number, y: number): number => values[y * width + x];
  // Point on the edge between (xa, ya) and (xb, yb), where the level is crossed.
  const cross = (xa: number, ya: number, xb: number, yb: number): [number, number] => {
    const va = v(xa, ya);
    const vb = v(xb, yb);
    const t = va === vb ? 0.5 : (level - va) / (vb - va);
    return [xa + t * (xb - xa), ya + t * (yb - ya)];
  };
  for (let y = 0; y + 1 < height; y++) {
    for (let x = 0; x + 1 < width; x++) {
      const tl = v(x, y) >= level ? 8 : 0;
      const tr = v(x + 1, y) >= level ? 4 : 0;
      const br = v(x + 1, y + 1) >= level ? 2 : 0;
      const bl = v(x, y + 1) >= level ? 1 : 0;
      const code = tl | tr | br | bl;
      if (code === 0 || code === 15) continue;
      const top = (): [number, number] => cross(x, y, x + 1, y);
      const right = (): [number, number] => cross(x + 1, y, x + 1, y + 1);
      const bottom = (): [number, number] => cross(x, y + 1, x + 1, y + 1);
      const left = (): [number, number] => cross(x, y, x, y + 1);
      const add = (a: [number, number], b: [number, number]): void => {
        segs.push(a[0], a[1], b[0], b[1]);
      };
      const centreHigh = (v(x, y) + v(x + 1, y) + v(x + 1, y + 1) + v(x, y + 1)) / 4 >= level;
      switch (code) {
        case 1:
        case 14:
          add(left(), bottom());
          break;
        case 2:
        case 13:
          add(bottom(), right());
          break;
        case 3:
        case 12:
          add(left(), right());
          break;
        case 4:
        case 11:
          add(top(), right());
          break;
        case 6:
        case 9:
          add(top(), bottom());
          break;
        case 7:
        case 8:
          add(left(), top());
          break;
        case 5: // tr and bl inside
          if (centreHigh) {
            add(left(), top());
            add(bottom(), right());
          } else {
            add(left(), bottom());
            add(top(), right());
          }
          break;
        case 10: // tl and br inside
          if (centreHigh) {
            add(top(), right());
            add(left(), bottom());
          } else {
            add(left(), top());
            add(bottom(), right());
          }
          break;
        default:
          break;
      }
    }
  }
  return Float32Array.from(segs);
}

/**
 * Draw line segments into an RGB raster, in place.
 * @param image 8-bit 3-channel raster (modified).
 * @param segments `[x0, y0, x1, y1, …]` in pixel coordinates.
 * @param colour RGB 0–255.
 * @param thickness Line width in pixels (≥ 1).
 */
export function drawSegments(
  image: Raster,
  segments: ArrayLike<number>,
  colour: readonly [number, number, number],
  thickness = 1,
): void {
  tf.util.assert(
    image.channels === 3 && image.bitDepth === 8,
    () =>
      `drawSegments needs an 8-bit RGB raster, got ${image.channels} channels ${image.bitDepth}-bit`,
  );
  const { width, height, data } = image;
  const r = Math.max(0, (thickness - 1) / 2);
  const stamp = (cx: number, cy: number): void => {
    const x0 = Math.round(cx - r);
    const x1 = Math.round(cx + r);
    const y0 = Math.round(cy - r);
    const y1 = Math.round(cy + r);
    for (let y = Math.max(0, y0); y <= Math.min(height - 1, y1); y++) {
      for (let x = Math.max(0, x0); x <= Math.min(width - 1, x1); x++) {
        const i = 3 * (y * width + x);
        data[i] = colour[0];
        data[i + 1] = colour[1];
        data[i + 2] = colour[2];
      }
    }
  };
  for (let s = 0; s + 3 < segments.length; s += 4) {
    const [ax, ay, bx, by] = [segments[s], segments[s + 1], segments[s + 2], segments[s + 3]];
    const steps = Math.max(1, Math.ceil(2 * Math.hypot(bx - ax, by - ay)));
    for (let k = 0; k <= steps; k++)
      stamp(ax + ((bx - ax) * k) / steps, ay + ((by - ay) * k) / steps);
  }
}

/** One iso-level and its colour. */
export interface ContourLevel {
  /** Level in map units (e.g. 0.5 of a normalised map). */
  level: number;
  /** RGB 0–255. */
  colour: readonly [number, number, number];
}

/** Default levels of the contour picture: 0.25 (blue), 0.5 (yellow), 0.75 (red). */
export const DEFAULT_CONTOUR_LEVELS: readonly ContourLevel[] = [
  { level: 0.25, colour: [0, 128, 255] },
  { level: 0.5, colour: [255, 220, 0] },
  { level: 0.75, colour: [255, 0, 0] },
];

/**
 * The contour picture: iso-lines of the map drawn over the image.
 * @param image Network-size image (gray or RGB), same pixel count as the map.
 * @param map Values (normally in [0, 1]), row-major.
 * @param levels Levels and colours (default {@link DEFAULT_CONTOUR_LEVELS}).
 * @param thickness Line width in pixels (default: about 1/300 of the image size, at least 1).
 * @returns A new 8-bit RGB raster.
 */
export function drawContours(
  image: Raster,
  map: ArrayLike<number>,
  levels: readonly ContourLevel[] = DEFAULT_CONTOUR_LEVELS,
  thickness?: number,
): Raster {
  tf.util.assert(
    map.length === image.width * image.height,
    () => `drawContours: map has ${map.length} values, the image is ${image.width}×${image.height}`,
  );
  const out = toRgb8(image);
  const t = thickness ?? Math.max(1, Math.round(Math.max(image.width, image.height) / 300));
  for (const { level, colour } of levels) {
    drawSegments(out, marchingSquares(map, image.width, image.height, level), colour, t);
  }
  return out;
}
