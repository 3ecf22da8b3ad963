/**
 * Convolution kernel layout conversion between TF.js (HWIO `[kh, kw, in, out]`) and ONNX (OIHW
 * `[out, in, kh, kw]`).
 */

/**
 * Permute a 4-D conv kernel between HWIO and OIHW.
 * @param data Row-major float32 values (not modified).
 * @param dims Shape of `data` in its own layout (`[kh, kw, in, out]` for `to: 'oihw'`,
 *   `[out, in, kh, kw]` for `to: 'hwio'`).
 * @param to Target layout.
 * @returns A new Float32Array in the target layout.
 * @throws Error when `data.length` does not match `dims`.
 */
export function permuteKernel(
  data: Float32Array,
  dims: number[],
  to: 'oihw' | 'hwio',
): Float32Array {
  if (dims.length !== 4 || data.length !== dims.reduce((a, b) => a * b, 1)) {
    throw new Error(
      `permuteKernel: expected a 4-D kernel matching dims [${dims.join(', ')}], got ${data.length} values`,
    );
  }
  const out = new Float32Array(data.length);
  if (to === 'oihw') {
    const [kh, kw, cin, cout] = dims;
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let i = 0; i < cin; i++) {
          const src = ((y * kw + x) * cin + i) * cout;
          for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = data[src + o];
        }
  } else {
    const [cout, cin, kh, kw] = dims;
    for (let y = 0; y < kh; y++)
      for (let x = 0; x < kw; x++)
        for (let i = 0; i < cin; i++) {
          const dst = ((y * kw + x) * cin + i) * cout;
          for (let o = 0; o < cout; o++) out[dst + o] = data[((o * cin + i) * kh + y) * kw + x];
        }
  }
  return out;
}
