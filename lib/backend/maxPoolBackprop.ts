/**
 * The gradient of a 2-D max pooling, as TensorFlow defines it: each output's gradient goes to the
 * first maximum of its window (row-major order, ties to the first), windows clipped to the image
 * (`same` padding: the smaller half top/left).
 *
 * Why: the `MaxPoolGrad` kernel of tfjs-backend-wasm 4.22 starts its search for the maximum at
 * `std::numeric_limits<float>::min()` (the smallest *positive* float, not the lowest one) and keeps
 * the *last* of equal values (`>=`). So a window whose values are all negative, common after a
 * LeakyReLU, sends its gradient to the window's first offset whatever its values, and ties go to
 * another pixel than TensorFlow's. The network's stem pools a LeakyReLU output (3×3, stride 2,
 * `same`), so on wasm every gradient below it (the first convolution and batch normalisation)
 * was wrong. This is a plain loop over the three arrays: one pass over the windows, no temporary
 * tensor.
 *
 * Reference: the TensorFlow op `MaxPoolGrad` (tensorflow/core/kernels/maxpooling_op.cc) and
 * TF.js's cpu `maxPoolPositions`/`maxPoolBackprop`, which this equals
 * (test/backend/maxPoolBackprop.test.ts, also against a brute-force reference).
 */
import * as tf from '@tensorflow/tfjs';

/** Attributes TF.js passes to `MaxPoolGrad` (tfjs-core `MaxPoolGradAttrs`). */
export interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Max-pooling gradient (NHWC, any padding).
 * @param dy Gradient of the loss w.r.t. the pooled output, float32 `[N, outH, outW, C]`.
 * @param x Pooling input, float32 `[N, H, W, C]`.
 * @param attrs Window, strides, padding (`same`, `valid`, a number or explicit NHWC pairs) and
 *   rounding mode, as for `tf.maxPool`.
 * @returns dx, float32 `[N, H, W, C]`, owned by the caller.
 * @throws Error when `dy` does not have the pooled shape of `x` (a bug of the caller).
 */
export function maxPoolBackprop(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  attrs: MaxPoolGradAttrs,
): tf.Tensor4D {
  const info = tf.backend_util.computePool2DInfo(
    x.shape,
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const c = info.inChannels;
  tf.util.assert(
    dy.shape.join() === [n, oh, ow, c].join(),
    () => `maxPoolBackprop: expected dy of [${n}, ${oh}, ${ow}, ${c}], got [${dy.shape}]`,
  );
  const xv = x.dataSync() as Float32Array;
  const dyv = dy.dataSync() as Float32Array;
  const dx = new Float32Array(xv.length);
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < oh; p++) {
      const y0 = Math.max(p * sh - top, 0);
      const y1 = Math.min(p * sh - top + kh, h);
      for (let q = 0; q < ow; q++) {
        const x0 = Math.max(q * sw - left, 0);
        const x1 = Math.min(q * sw - left + kw, w);
        const out = ((b * oh + p) * ow + q) * c;
        for (let ch = 0; ch < c; ch++) {
          let best = -1;
          let max = -Infinity;
          for (let yy = y0; yy < y1; yy++) {
            for (let xx = x0; xx < x1; xx++) {
              const i = ((b * h + yy) * w + xx) * c + ch;
              if (best < 0 || xv[i] > max) [best, max] = [i, xv[i]];
            }
          }
          if (best >= 0) dx[best] += dyv[out + ch];
        }
      }
    }
  }
  return tf.tensor4d(dx, x.shape);
}
