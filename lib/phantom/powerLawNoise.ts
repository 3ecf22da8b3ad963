/**
 * Power-law ("1/f^β") random fields by spectral synthesis, the standard model of mammographic
 * anatomical background (Burgess, Jacobson & Judy, Med. Phys. 28 (2001) 419: β ≈ 3 for breast
 * tissue). A complex white-noise spectrum is shaped by |f|^(−β/2) and inverse-transformed; the
 * real and imaginary parts of the result are two independent real fields with that power
 * spectrum (no Hermitian symmetry needed), so one FFT gives two fields.
 */
import type { Rng } from '../data/createRng';

/**
 * Standard-normal quantiles at (j + ½)/size, j = 0 … size − 1: a table from which uniform draws
 * give normal deviates by look-up (much faster than Box–Muller per pixel; sd within 0.2 % of 1).
 */
export function normalQuantiles(size: number): Float32Array {
  let t = quantileMemo.get(size);
  if (!t) {
    t = new Float32Array(size);
    for (let j = 0; j < size; j++) t[j] = inverseNormal((j + 0.5) / size);
    quantileMemo.set(size, t);
  }
  return t;
}

/** Inverse standard-normal CDF (P. J. Acklam's rational approximation, relative error < 1.2e-9). */
export function inverseNormal(p: number): number {
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - pl) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/** |f|^(−β/2) on an n×n frequency grid (0 below fMin), memoised: it depends on n, β, fMin only. */
const amplitudeMemo = new Map<string, Float64Array>();
function amplitudes(n: number, beta: number, fMin: number): Float64Array {
  const key = `${n}:${beta}:${fMin}`;
  let amp = amplitudeMemo.get(key);
  if (!amp) {
    amp = new Float64Array(n * n);
    for (let v = 0; v < n; v++) {
      const fv = v <= n / 2 ? v : v - n;
      for (let u = 0; u < n; u++) {
        const fu = u <= n / 2 ? u : u - n;
        const f = Math.sqrt(fu * fu + fv * fv);
        amp[v * n + u] = f < fMin ? 0 : Math.pow(f, -beta / 2);
      }
    }
    amplitudeMemo.set(key, amp);
  }
  return amp;
}

/** Quantile tables by size, memoised (pure function of the size). */
const quantileMemo = new Map<number, Float32Array>();

/** In-place radix-2 complex FFT (inverse when `inverse`), length a power of two. */
function fft1d(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b] * cr - im[b] * ci;
        const xi = re[b] * ci + im[b] * cr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

/**
 * Two independent periodic power-law fields on an n×n grid, each normalised to zero mean and unit
 * standard deviation.
 * @param n Grid side, a power of two (e.g. 128, 256).
 * @param beta Spectral exponent β (power ∝ 1/f^β); 3 for breast anatomical noise.
 * @param rng Seeded generator (2·n² uniform draws, mapped to normal deviates by a quantile table).
 * @param fMin Lowest radial frequency kept (cycles per grid side; 1 removes the DC only).
 * @returns Two Float32Arrays of n·n values, row-major.
 */
export function powerLawFields(
  n: number,
  beta: number,
  rng: Rng,
  fMin = 1,
): [Float32Array, Float32Array] {
  if (!(n >= 2 && (n & (n - 1)) === 0)) {
    throw new RangeError(`powerLawFields: expected a power of two ≥ 2, got ${n}`);
  }
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  const table = normalQuantiles(4096);
  const amp = amplitudes(n, beta, fMin);
  for (let i = 0; i < n * n; i++) {
    re[i] = amp[i] * table[(rng.next() * 4096) | 0];
    im[i] = amp[i] * table[(rng.next() * 4096) | 0];
  }
  const rr = new Float64Array(n);
  const ri = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    const o = v * n;
    for (let u = 0; u < n; u++) {
      rr[u] = re[o + u];
      ri[u] = im[o + u];
    }
    fft1d(rr, ri, true);
    for (let u = 0; u < n; u++) {
      re[o + u] = rr[u];
      im[o + u] = ri[u];
    }
  }
  for (let u = 0; u < n; u++) {
    for (let v = 0; v < n; v++) {
      rr[v] = re[v * n + u];
      ri[v] = im[v * n + u];
    }
    fft1d(rr, ri, true);
    for (let v = 0; v < n; v++) {
      re[v * n + u] = rr[v];
      im[v * n + u] = ri[v];
    }
  }
  return [normalise(re), normalise(im)];
}

function normalise(x: Float64Array): Float32Array {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i];
    s2 += x[i] * x[i];
  }
  const mean = s / x.length;
  const sd = Math.sqrt(Math.max(s2 / x.length - mean * mean, 1e-30));
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] - mean) / sd;
  return out;
}

/**
 * Sample a periodic n×n field bilinearly at grid coordinates (wrapping at the edges).
 * @param field Values from {@link powerLawFields}.
 * @param n Grid side.
 * @param gx Column coordinate in grid cells (any real).
 * @param gy Row coordinate in grid cells (any real).
 */
export function sampleField(field: Float32Array, n: number, gx: number, gy: number): number {
  const x0f = Math.floor(gx);
  const y0f = Math.floor(gy);
  const fx = gx - x0f;
  const fy = gy - y0f;
  const m = n - 1;
  const x0 = x0f & m;
  const y0 = y0f & m;
  const x1 = (x0 + 1) & m;
  const y1 = (y0 + 1) & m;
  const a = field[y0 * n + x0];
  const b = field[y0 * n + x1];
  const c = field[y1 * n + x0];
  const d = field[y1 * n + x1];
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
}

/**
 * Fast row-by-row bilinear resampling of a periodic n×n field onto an image grid:
 * pixel (x, y) takes the field at grid coordinates `((x + ½)·scale + offX, (y + ½)·scaleY + offY)`
 * (wrapping; `scaleY` defaults to `scale`, a different value stretches the field). Per image row the two field rows are blended once, then each pixel needs two
 * look-ups, several times faster than {@link sampleField} per pixel.
 * @returns `row(y, out)` filling `out[0 … width−1]` with the field values of image row y.
 */
export function fieldRowSampler(
  field: Float32Array,
  n: number,
  width: number,
  scale: number,
  offX: number,
  offY: number,
  scaleY: number = scale,
): (y: number, out: Float32Array) => void {
  const m = n - 1;
  const x0 = new Int32Array(width);
  const x1 = new Int32Array(width);
  const fx = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const g = (x + 0.5) * scale + offX;
    const f = Math.floor(g);
    x0[x] = f & m;
    x1[x] = (f + 1) & m;
    fx[x] = g - f;
  }
  const blend = new Float32Array(n);
  return (y, out) => {
    const g = (y + 0.5) * scaleY + offY;
    const f = Math.floor(g);
    const fy = g - f;
    const r0 = (f & m) * n;
    const r1 = ((f + 1) & m) * n;
    for (let u = 0; u < n; u++) blend[u] = field[r0 + u] * (1 - fy) + field[r1 + u] * fy;
    for (let x = 0; x < width; x++) out[x] = blend[x0[x]] + (blend[x1[x]] - blend[x0[x]]) * fx[x];
  };
}
