/**
 * Training augmentation as Keras 2.2 `ImageDataGenerator` (keras_preprocessing 1.0)
 * `get_random_transform` + `apply_transform` do it, on the resized image before
 * `standardize` (the order of `flow_from_directory`):
 *
 * - draws: rotation θ ~ U(−r, r) degrees; height shift tx ~ U(−hs, hs)·h pixels (rows);
 *   width shift ty ~ U(−ws, ws)·w pixels (columns); zoom zx, zy ~ U(1 − z, 1 + z) independently
 *   (zx on rows, zy on columns; zx > 1 shows more of the image, i.e. zooms out);
 *   horizontal flip with probability ½ when enabled. A range of 0 draws nothing (as Keras).
 * - matrix `M = R(θ) · Shift(tx, ty) · Zoom(zx, zy)` on (row, column) coordinates, moved to the
 *   image centre with `o = (h/2 + 0.5, w/2 + 0.5)` (`transform_matrix_offset_center`); output
 *   pixel (r, c) samples the input at `M' · (r, c, 1)` — scipy `ndimage.affine_transform`.
 * - interpolation `order=1` (bilinear, the Keras default `interpolation_order`), fill
 *   `mode='nearest'` (coordinates clamped to the edge) or `'constant'` (`cval`).
 *
 * The random numbers come from our seeded {@link Rng}, not numpy, so individual draws differ from
 * a Keras run while the distribution is the same. The original training used
 * {@link ORIGINAL_AUGMENTATION}.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from './createRng';

/** Augmentation settings (Keras `ImageDataGenerator` argument names in camelCase). */
export interface AugmentOptions {
  /** Maximum rotation in degrees (θ ~ U(−r, r)). */
  rotationRange: number;
  /** Maximum horizontal shift as a fraction of the width. */
  widthShiftRange: number;
  /** Maximum vertical shift as a fraction of the height. */
  heightShiftRange: number;
  /** Zoom range: `z` means [1 − z, 1 + z]; or an explicit `[lo, hi]`. */
  zoomRange: number | [number, number];
  /** Random left-right flips (the original: false). */
  horizontalFlip: boolean;
  /** How points outside the image are filled: Keras default `'nearest'`, or `'constant'`. */
  fillMode: 'nearest' | 'constant';
  /** Fill value for `'constant'` (0–255 scale). */
  cval: number;
}

/** The original training augmentation: zoom 0.2, shifts 0.2, rotation 10°, no flip, fill nearest. */
export const ORIGINAL_AUGMENTATION: Readonly<AugmentOptions> = Object.freeze({
  rotationRange: 10,
  widthShiftRange: 0.2,
  heightShiftRange: 0.2,
  zoomRange: 0.2,
  horizontalFlip: false,
  fillMode: 'nearest',
  cval: 0,
});

/** One drawn transform (Keras `transform_parameters`). */
export interface TransformParams {
  /** Rotation in degrees. */
  theta: number;
  /** Shift along rows (pixels). */
  tx: number;
  /** Shift along columns (pixels). */
  ty: number;
  /** Zoom along rows. */
  zx: number;
  /** Zoom along columns. */
  zy: number;
  /** Whether to flip left-right after the affine transform. */
  flipHorizontal: boolean;
}

function zoomBounds(z: number | [number, number]): [number, number] {
  return typeof z === 'number' ? [1 - z, 1 + z] : [z[0], z[1]];
}

/**
 * Draw one transform (Keras `get_random_transform`).
 * @param rng Seeded generator (advanced by up to 6 draws).
 * @param options Augmentation settings.
 * @param size `[height, width]` of the image it will be applied to.
 */
export function randomTransform(
  rng: Rng,
  options: AugmentOptions,
  size: [number, number],
): TransformParams {
  const [h, w] = size;
  const theta = options.rotationRange
    ? rng.uniform(-options.rotationRange, options.rotationRange)
    : 0;
  const tx = options.heightShiftRange
    ? rng.uniform(-options.heightShiftRange, options.heightShiftRange) * h
    : 0;
  const ty = options.widthShiftRange
    ? rng.uniform(-options.widthShiftRange, options.widthShiftRange) * w
    : 0;
  const [lo, hi] = zoomBounds(options.zoomRange);
  tf.util.assert(lo > 0 && hi >= lo, () => `zoomRange: expected 0 < lo ≤ hi, got [${lo}, ${hi}]`);
  let zx = 1;
  let zy = 1;
  if (!(lo === 1 && hi === 1)) {
    zx = rng.uniform(lo, hi);
    zy = rng.uniform(lo, hi);
  }
  const flipHorizontal = options.horizontalFlip ? rng.next() < 0.5 : false;
  return { theta, tx, ty, zx, zy, flipHorizontal };
}

type M3 = number[][];
function mul(a: M3, b: M3): M3 {
  return a.map((row) =>
    [0, 1, 2].map((j) => row[0] * b[0][j] + row[1] * b[1][j] + row[2] * b[2][j]),
  );
}

/**
 * The 3×3 matrix mapping an output (row, column, 1) to the input coordinate it samples
 * (Keras `apply_affine_transform` after `transform_matrix_offset_center`).
 */
export function transformMatrix(params: TransformParams, size: [number, number]): M3 {
  const [h, w] = size;
  const t = (params.theta * Math.PI) / 180;
  let m: M3 = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  if (params.theta !== 0) {
    m = [
      [Math.cos(t), -Math.sin(t), 0],
      [Math.sin(t), Math.cos(t), 0],
      [0, 0, 1],
    ];
  }
  if (params.tx !== 0 || params.ty !== 0) {
    m = mul(m, [
      [1, 0, params.tx],
      [0, 1, params.ty],
      [0, 0, 1],
    ]);
  }
  if (params.zx !== 1 || params.zy !== 1) {
    m = mul(m, [
      [params.zx, 0, 0],
      [0, params.zy, 0],
      [0, 0, 1],
    ]);
  }
  const ox = h / 2 + 0.5;
  const oy = w / 2 + 0.5;
  return mul(
    mul(
      [
        [1, 0, ox],
        [0, 1, oy],
        [0, 0, 1],
      ],
      m,
    ),
    [
      [1, 0, -ox],
      [0, 1, -oy],
      [0, 0, 1],
    ],
  );
}

/**
 * Apply a drawn transform to one gray plane (bilinear, fill as configured).
 * @param plane Gray values (any range), row-major `[h, w]`.
 * @param size `[height, width]`.
 * @param params Transform from {@link randomTransform}.
 * @param options Fill mode and value.
 * @returns A new Float32Array `[h, w]`.
 */
export function applyTransform(
  plane: ArrayLike<number>,
  size: [number, number],
  params: TransformParams,
  options: Pick<AugmentOptions, 'fillMode' | 'cval'> = ORIGINAL_AUGMENTATION,
): Float32Array {
  const [h, w] = size;
  tf.util.assert(
    plane.length === h * w,
    () => `applyTransform: expected ${h}x${w} = ${h * w} values, got ${plane.length}`,
  );
  const m = transformMatrix(params, size);
  const out = new Float32Array(h * w);
  const constant = options.fillMode === 'constant';
  const cval = options.cval ?? 0;
  for (let r = 0; r < h; r++) {
    let yr = m[0][0] * r + m[0][2];
    let yc = m[1][0] * r + m[1][2];
    for (let c = 0; c < w; c++) {
      let y = yr;
      let x = yc;
      yr += m[0][1];
      yc += m[1][1];
      let v: number;
      if (constant && (y < 0 || y > h - 1 || x < 0 || x > w - 1)) {
        v = cval;
      } else {
        if (y < 0) y = 0;
        else if (y > h - 1) y = h - 1;
        if (x < 0) x = 0;
        else if (x > w - 1) x = w - 1;
        const y0 = Math.floor(y);
        const x0 = Math.floor(x);
        const y1 = y0 + 1 < h ? y0 + 1 : y0;
        const x1 = x0 + 1 < w ? x0 + 1 : x0;
        const fy = y - y0;
        const fx = x - x0;
        const a = plane[y0 * w + x0];
        const b = plane[y0 * w + x1];
        const cc = plane[y1 * w + x0];
        const d = plane[y1 * w + x1];
        v = (a * (1 - fx) + b * fx) * (1 - fy) + (cc * (1 - fx) + d * fx) * fy;
      }
      out[r * w + (params.flipHorizontal ? w - 1 - c : c)] = v;
    }
  }
  return out;
}

/**
 * Draw a transform and apply it: one augmented copy of a gray plane.
 * @param plane Gray values, row-major `[h, w]` (e.g. a resized image's `data`).
 * @param size `[height, width]`.
 * @param rng Seeded generator (same state → same output).
 * @param options Augmentation settings; default {@link ORIGINAL_AUGMENTATION}.
 * @returns The augmented plane (Float32Array, same range as the input) and the drawn parameters.
 */
export function augmentImage(
  plane: ArrayLike<number>,
  size: [number, number],
  rng: Rng,
  options: AugmentOptions = ORIGINAL_AUGMENTATION,
): { plane: Float32Array; params: TransformParams } {
  const params = randomTransform(rng, options, size);
  return { plane: applyTransform(plane, size, params, options), params };
}
