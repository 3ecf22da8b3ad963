/**
 * Colormaps for maps in [0, 1], reproducing matplotlib exactly (256-entry lookup tables,
 * `cmap(x, bytes=True)` semantics), so that the coloured maps match the original's
 * `cm.seismic(map)` pictures pixel for pixel.
 *
 * matplotlib's `seismic` (a `LinearSegmentedColormap.from_list` of five evenly spaced colours:
 * dark blue (0, 0, 0.3) → blue (0, 0, 1) → white → red (1, 0, 0) → dark red (0.5, 0, 0)) is
 * sampled at `i/255`, i = 0…255; a value x picks entry `floor(256·x)` (x = 1 picks 255; values
 * outside [0, 1] clip; NaN gives black), and 8-bit output truncates `255·v` as numpy's
 * `astype(np.uint8)` does.
 */
import * as tf from '@tensorflow/tfjs';

/** A colormap as 256 RGB entries, 8-bit, `lut[3·i + c]`. */
export interface Colormap {
  /** Name, e.g. `seismic`. */
  name: string;
  /** 768 bytes: entry i at [3i, 3i+3). */
  lut: Uint8Array;
  /** The same entries as floats in [0, 1] (what `cmap(x)` returns without `bytes`). */
  lutFloat: Float32Array;
}

/** Number of entries of matplotlib's default lookup tables (`rcParams['image.lut']`). */
export const COLORMAP_SIZE = 256;

/** The colour stops of matplotlib's `seismic`, evenly spaced over [0, 1]. */
export const SEISMIC_STOPS: ReadonlyArray<readonly [number, number, number]> = [
  [0.0, 0.0, 0.3],
  [0.0, 0.0, 1.0],
  [1.0, 1.0, 1.0],
  [1.0, 0.0, 0.0],
  [0.5, 0.0, 0.0],
];

/**
 * Build a lookup table from evenly spaced colour stops, as matplotlib's
 * `LinearSegmentedColormap.from_list(name, stops, 256)` does (linear interpolation per channel).
 * @param name Colormap name.
 * @param stops At least two RGB colours with components in [0, 1].
 */
export function colormapFromStops(
  name: string,
  stops: ReadonlyArray<readonly [number, number, number]>,
): Colormap {
  tf.util.assert(stops.length >= 2, () => `a colormap needs ≥ 2 stops, got ${stops.length}`);
  const lut = new Uint8Array(COLORMAP_SIZE * 3);
  const lutFloat = new Float32Array(COLORMAP_SIZE * 3);
  // Same arithmetic, in doubles, as matplotlib's _create_lookup_table with gamma 1:
  // stop positions x = linspace(0, 1, n)·255, samples xind = (i/255)·255, searchsorted left.
  const n = stops.length;
  const xs = stops.map((_, j) => j * (1 / (n - 1)) * (COLORMAP_SIZE - 1));
  xs[n - 1] = COLORMAP_SIZE - 1;
  for (let i = 0; i < COLORMAP_SIZE; i++) {
    for (let c = 0; c < 3; c++) {
      let v: number;
      if (i === 0) v = stops[0][c];
      else if (i === COLORMAP_SIZE - 1) v = stops[n - 1][c];
      else {
        const xind = (COLORMAP_SIZE - 1) * (i * (1 / (COLORMAP_SIZE - 1)));
        let ind = 0;
        while (ind < n && xs[ind] < xind) ind++;
        const distance = (xind - xs[ind - 1]) / (xs[ind] - xs[ind - 1]);
        v = distance * (stops[ind][c] - stops[ind - 1][c]) + stops[ind - 1][c];
      }
      v = Math.min(1, Math.max(0, v));
      lutFloat[3 * i + c] = v;
      lut[3 * i + c] = Math.trunc(v * 255);
    }
  }
  return { name, lut, lutFloat };
}

/** matplotlib's `seismic` colormap (the original's map colouring). */
export function seismicColormap(): Colormap {
  return colormapFromStops('seismic', SEISMIC_STOPS);
}

/** Gray colormap (black → white), for 8-bit map previews. */
export function grayColormap(): Colormap {
  return colormapFromStops('gray', [
    [0, 0, 0],
    [1, 1, 1],
  ]);
}

/** Lookup-table index of a value, as matplotlib (`floor(256·x)`, 1 → 255, clipped; NaN → -1). */
export function colormapIndex(x: number): number {
  if (Number.isNaN(x)) return -1;
  return Math.max(0, Math.min(COLORMAP_SIZE - 1, Math.floor(x * COLORMAP_SIZE)));
}

/**
 * Colour a map.
 * @param values Map values, nominally in [0, 1] (row-major, any length n).
 * @param colormap Default `seismic`.
 * @returns `n·3` bytes of interleaved RGB (NaN → black).
 */
export function applyColormap(
  values: ArrayLike<number>,
  colormap: Colormap = seismicColormap(),
): Uint8Array {
  const out = new Uint8Array(values.length * 3);
  for (let p = 0; p < values.length; p++) {
    const i = colormapIndex(values[p]);
    if (i < 0) continue;
    out[3 * p] = colormap.lut[3 * i];
    out[3 * p + 1] = colormap.lut[3 * i + 1];
    out[3 * p + 2] = colormap.lut[3 * i + 2];
  }
  return out;
}
