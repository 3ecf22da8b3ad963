/**
 * Kernels that training needs and the TF.js wasm backend (4.22) lacks.
 *
 * The only one missing for the breast-density ResNet is `Conv2DBackpropFilter`, the gradient of
 * a 2-D convolution with respect to its filter. Without it `model.fit` / `tf.variableGrads`
 * fail on wasm with "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'". (Every
 * other gradient of the network, LeakyReLU, batch normalisation, mean, softmax cross-entropy,
 * `Conv2DBackpropInput`, is built from kernels wasm has; the training test runs the whole network
 * backwards on wasm. `MaxPoolGrad` exists but is wrong, see `maxPoolBackprop`.)
 *
 * The filter gradient is computed exactly as TensorFlow defines it, from kernels wasm has
 * (pad, strided slice, concat, matrix product):
 *
 *   dW[i, j, c, k] = Σ_{n, p, q} x[n, p·sH + i − padTop, q·sW + j − padLeft, c] · dy[n, p, q, k]
 *
 * with x zero outside the image and `padTop`/`padLeft` from TensorFlow's padding convention
 * (`same`: total padding max((out−1)·s + k − in, 0), the smaller half on top/left; `valid`: 0;
 * explicit paddings as given), via `tf.backend_util.computeConv2DInfo`. For every filter tap
 * (i, j) the strided window of the padded input is an [N·outH·outW, C] matrix; its transposed
 * product with dy reshaped to [N·outH·outW, K] is the [C, K] slice dW[i, j]. A 1×1 stride-1
 * unpadded convolution is a single matrix product.
 *
 * Memory: the patch matrix has N·outH·outW·C·kH·kW elements (about 245 MB for the first 3×3
 * layers at 650×650, batch 4), more than the 4 GB wasm heap can hold beside the activations.
 * Above {@link FILTER_GRADIENT_PATCH_BUDGET} elements the output rows are processed in bands
 * (the input padded once, each band's rows of it convolved 'valid'), and the per-band products
 * are summed: the same sum, in a different order.
 *
 * Reference: the TensorFlow op `Conv2DBackpropFilter` (tensorflow/core/kernels/conv_grad_filter_ops.cc)
 * and TF.js's cpu implementation `conv2DBackpropFilter`.
 */
import * as tf from '@tensorflow/tfjs';
import { registerBatchNormGradient } from './registerBatchNormGradient';
import { registerWasmMaxPoolGrad } from '../backend/registerWasmMaxPoolGrad';
import { tensorFromInfo } from '../backend/tensorFromInfo';

/** Attributes TF.js passes to `Conv2DBackpropFilter` (see tfjs-core `Conv2DBackpropFilterAttrs`). */
interface Conv2DBackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** Kernel names as TF.js registers them. */
const FILTER_KERNEL = 'Conv2DBackpropFilter';
const INPUT_KERNEL = 'Conv2DBackpropInput';

/**
 * Filter gradient of a 2-D convolution, from ops the wasm backend has.
 * @param x Convolution input, float32 `[N, H, W, C]` (NHWC) or `[N, C, H, W]` (NCHW).
 * @param dy Gradient of the loss w.r.t. the convolution output, float32, same layout,
 *   `[N, outH, outW, K]` for NHWC.
 * @param attrs Strides, padding (`same`, `valid`, a number or explicit), data format, rounding
 *   mode and the filter shape `[kH, kW, C, K]`.
 * @param patchBudget Largest patch matrix (elements) built at once; above it the output rows are
 *   processed in bands. Default {@link FILTER_GRADIENT_PATCH_BUDGET}.
 * @returns dW, float32 `[kH, kW, C, K]`. The caller (the TF.js engine) owns it.
 */
export function conv2dBackpropFilterFromOps(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  attrs: Conv2DBackpropFilterAttrs,
  patchBudget: number = FILTER_GRADIENT_PATCH_BUDGET,
): tf.Tensor4D {
  tf.util.assert(
    Number.isInteger(patchBudget) && patchBudget > 0,
    () => `Conv2DBackpropFilter: expected a positive integer patch budget, got ${patchBudget}`,
  );
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  return tf.tidy(() => {
    const xNhwc = dataFormat === 'NCHW' ? tf.transpose(x, [0, 2, 3, 1]) : x;
    const dyNhwc = dataFormat === 'NCHW' ? tf.transpose(dy, [0, 2, 3, 1]) : dy;
    const info = tf.backend_util.computeConv2DInfo(
      xNhwc.shape,
      filterShape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const [n, h, w, c] = xNhwc.shape;
    const [kH, kW, , k] = filterShape;
    const { outHeight, outWidth, strideHeight, strideWidth, padInfo } = info;
    tf.util.assert(
      dyNhwc.shape[1] === outHeight && dyNhwc.shape[2] === outWidth && dyNhwc.shape[3] === k,
      () =>
        `Conv2DBackpropFilter: expected dy [${n},${outHeight},${outWidth},${k}], got [${dyNhwc.shape}]`,
    );
    const rows = n * outHeight * outWidth;
    const taps = kH * kW;
    const trivial =
      taps === 1 && strideHeight === 1 && strideWidth === 1 && outHeight === h && outWidth === w;
    if (!trivial && rows * c * taps > patchBudget) {
      const bandRows = Math.max(1, Math.floor(patchBudget / (n * outWidth * c * taps)));
      const product = bandedFilterProduct(xNhwc, dyNhwc, info, bandRows);
      return tf.transpose(tf.reshape(product, [k, c, kH, kW]), [2, 3, 1, 0]) as tf.Tensor4D;
    }
    // Patches: a depthwise convolution whose filter picks one tap per output channel, with the
    // forward convolution's own strides and padding, so that windows and zero padding are
    // exactly those of the forward pass. Channel c·taps + t of the result is x at tap t.
    const cols = trivial
      ? xNhwc
      : tf.depthwiseConv2d(
          xNhwc,
          tapSelector(kH, kW, c),
          [strideHeight, strideWidth],
          pad as 'same' | 'valid' | number,
          'NHWC',
          1,
          dimRoundingMode,
        );
    // [K, rows] × [rows, C·taps]: the wasm backend's matrix product is fast (XNNPACK) only
    // without transpose flags, so dy is transposed explicitly (it is the smaller operand).
    const dyT = tf.transpose(tf.reshape(dyNhwc, [rows, k]));
    const product = tf.matMul(dyT, tf.reshape(cols, [rows, c * taps]));
    return tf.transpose(tf.reshape(product, [k, c, kH, kW]), [2, 3, 1, 0]) as tf.Tensor4D;
  });
}

/**
 * Largest patch matrix (elements, float32) {@link conv2dBackpropFilterFromOps} builds at once:
 * 2²³ elements = 32 MB. The first 3×3 layers at 650×650, batch 4, need about 8 bands.
 */
export const FILTER_GRADIENT_PATCH_BUDGET = 2 ** 23;

/**
 * The `[K, C·kH·kW]` product dyᵀ·patches of {@link conv2dBackpropFilterFromOps}, accumulated
 * over bands of `bandRows` output rows so that no patch matrix exceeds the budget.
 * @param x Input, NHWC `[N, H, W, C]`.
 * @param dy Output gradient, NHWC `[N, outH, outW, K]`.
 * @param info The forward convolution's geometry (strides, padding, output size).
 * @param bandRows Output rows per band, ≥ 1.
 * @returns float32 `[K, C·kH·kW]`; disposed by the caller's tidy.
 */
function bandedFilterProduct(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  info: tf.backend_util.Conv2DInfo,
  bandRows: number,
): tf.Tensor2D {
  const { outHeight, outWidth, strideHeight, strideWidth, padInfo } = info;
  const { filterHeight: kH, filterWidth: kW, inChannels: c, outChannels: k } = info;
  const n = x.shape[0];
  const taps = kH * kW;
  // Pad once as the forward pass does; every band is then a 'valid' strided window of it.
  const padded = tf.pad(x, [
    [0, 0],
    [padInfo.top, padInfo.bottom],
    [padInfo.left, padInfo.right],
    [0, 0],
  ]);
  const selector = tapSelector(kH, kW, c);
  let sum: tf.Tensor2D | null = null;
  for (let p0 = 0; p0 < outHeight; p0 += bandRows) {
    const p1 = Math.min(p0 + bandRows, outHeight);
    const next: tf.Tensor2D = tf.tidy(() => {
      const inRows = (p1 - 1 - p0) * strideHeight + kH;
      const xBand = tf.slice(padded, [0, p0 * strideHeight, 0, 0], [n, inRows, -1, c]);
      const cols = tf.depthwiseConv2d(xBand, selector, [strideHeight, strideWidth], 'valid');
      tf.util.assert(
        cols.shape[1] === p1 - p0 && cols.shape[2] === outWidth,
        () =>
          `Conv2DBackpropFilter: band rows ${p0}–${p1} gave patches [${cols.shape}], ` +
          `expected [${n},${p1 - p0},${outWidth},${c * taps}]`,
      );
      const bandCount = n * (p1 - p0) * outWidth;
      const dyBand = tf.slice(dy, [0, p0, 0, 0], [n, p1 - p0, outWidth, k]);
      const dyT = tf.transpose(tf.reshape(dyBand, [bandCount, k]));
      const product = tf.matMul(dyT, tf.reshape(cols, [bandCount, c * taps])) as tf.Tensor2D;
      return sum === null ? product : (tf.add(sum, product) as tf.Tensor2D);
    });
    sum?.dispose();
    sum = next;
  }
  padded.dispose();
  selector.dispose();
  return sum as tf.Tensor2D;
}

/** Attributes TF.js passes to `Conv2DBackpropInput` (see tfjs-core `Conv2DBackpropInputAttrs`). */
interface Conv2DBackpropInputAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * Input gradient of a 2-D convolution (a transposed convolution), computed with the fast
 * forward convolution: dy is dilated by the stride (zeros between its pixels), zero-padded by
 * kH − 1 − padTop on top (kW − 1 − padLeft on the left) and as much as makes the output H×W at
 * the bottom/right, then correlated ('valid', stride 1) with the filter rotated by 180° and its
 * in/out channels swapped:
 *
 *   dx[n, r, s, c] = Σ_{p, q, i, j, k : p·sH + i − padTop = r, q·sW + j − padLeft = s}
 *                      dy[n, p, q, k] · W[i, j, c, k]
 *
 * @param dy Gradient w.r.t. the convolution output, float32 `[N, outH, outW, K]` (NHWC) or NCHW.
 * @param filter The convolution filter, float32 `[kH, kW, C, K]`.
 * @param attrs Strides, padding, data format, rounding mode, and the input shape.
 * @returns dx, float32, `attrs.inputShape`. The caller owns it.
 */
export function conv2dBackpropInputFromOps(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: Conv2DBackpropInputAttrs,
): tf.Tensor4D {
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  return tf.tidy(() => {
    const xShape: [number, number, number, number] =
      dataFormat === 'NCHW'
        ? [inputShape[0], inputShape[2], inputShape[3], inputShape[1]]
        : inputShape;
    const dyNhwc = dataFormat === 'NCHW' ? tf.transpose(dy, [0, 2, 3, 1]) : dy;
    const [n, h, w] = xShape;
    const [kH, kW, c, k] = filter.shape;
    const info = tf.backend_util.computeConv2DInfo(
      xShape,
      filter.shape,
      strides,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { outHeight, outWidth, strideHeight, strideWidth, padInfo } = info;
    tf.util.assert(
      dyNhwc.shape[0] === n &&
        dyNhwc.shape[1] === outHeight &&
        dyNhwc.shape[2] === outWidth &&
        dyNhwc.shape[3] === k,
      () =>
        `Conv2DBackpropInput: expected dy [${n},${outHeight},${outWidth},${k}], got [${dyNhwc.shape}]`,
    );
    // Dilate: after each pixel, stride − 1 zeros (the trailing ones count as bottom padding).
    let dilated: tf.Tensor4D = dyNhwc;
    if (strideWidth > 1) {
      const zeros = tf.zeros([n, outHeight, outWidth, k]);
      dilated = tf.reshape(
        tf.stack([dilated, ...Array<tf.Tensor>(strideWidth - 1).fill(zeros)], 3),
        [n, outHeight, outWidth * strideWidth, k],
      );
    }
    if (strideHeight > 1) {
      const zeros = tf.zeros(dilated.shape);
      dilated = tf.reshape(
        tf.stack([dilated, ...Array<tf.Tensor>(strideHeight - 1).fill(zeros)], 2),
        [n, outHeight * strideHeight, dilated.shape[2], k],
      );
    }
    const top = kH - 1 - padInfo.top;
    const left = kW - 1 - padInfo.left;
    const bottom = h + kH - 1 - top - dilated.shape[1];
    const right = w + kW - 1 - left - dilated.shape[2];
    tf.util.assert(
      top >= 0 && left >= 0,
      () => `Conv2DBackpropInput: padding ${JSON.stringify(padInfo)} larger than the filter`,
    );
    // Negative bottom/right: trailing rows/columns of the dilated dy that no output touches.
    if (bottom < 0 || right < 0) {
      dilated = tf.slice(
        dilated,
        [0, 0, 0, 0],
        [n, dilated.shape[1] + Math.min(0, bottom), dilated.shape[2] + Math.min(0, right), k],
      );
    }
    const padded =
      top > 0 || left > 0 || bottom > 0 || right > 0
        ? tf.pad(dilated, [
            [0, 0],
            [top, Math.max(0, bottom)],
            [left, Math.max(0, right)],
            [0, 0],
          ])
        : dilated;
    const rotated = rotateFilter(filter);
    const dx = tf.conv2d(padded as tf.Tensor4D, rotated as tf.Tensor4D, 1, 'valid');
    tf.util.assert(
      dx.shape[1] === h && dx.shape[2] === w && dx.shape[3] === c,
      () => `Conv2DBackpropInput: produced [${dx.shape}], expected [${xShape}]`,
    );
    return dataFormat === 'NCHW' ? tf.transpose(dx, [0, 3, 1, 2]) : dx;
  });
}

/**
 * The filter of the transposed convolution: `W[kH−1−i, kW−1−j, c, k]` stored as `[kH, kW, K, C]`.
 * A plain loop over the (small) filter: faster than the wasm Reverse and Gather kernels.
 */
function rotateFilter(filter: tf.Tensor4D): tf.Tensor4D {
  const [kH, kW, c, k] = filter.shape;
  const src = filter.dataSync() as Float32Array;
  const dst = new Float32Array(src.length);
  for (let i = 0; i < kH; i++) {
    for (let j = 0; j < kW; j++) {
      const from = ((kH - 1 - i) * kW + (kW - 1 - j)) * c * k;
      const to = (i * kW + j) * k * c;
      for (let ci = 0; ci < c; ci++) {
        for (let ki = 0; ki < k; ki++) dst[to + ki * c + ci] = src[from + ci * k + ki];
      }
    }
  }
  return tf.tensor4d(dst, [kH, kW, k, c]);
}

/**
 * Depthwise filter `[kH, kW, C, kH·kW]` with a single 1 per output channel: multiplier t of
 * every input channel copies filter tap t = i·kW + j.
 */
function tapSelector(kH: number, kW: number, c: number): tf.Tensor4D {
  const taps = kH * kW;
  const values = new Float32Array(taps * c * taps);
  // Layout [kH, kW, C, taps]: flat index ((t·C) + ch)·taps + m, one where m = t.
  for (let t = 0; t < taps; t++) {
    for (let ch = 0; ch < c; ch++) values[(t * c + ch) * taps + t] = 1;
  }
  return tf.tensor4d(values, [kH, kW, c, taps]);
}

/** Kernel configs this module registers, so that a second call recognises its own. */
const OWN_KERNELS = new Set<tf.KernelFunc>();

function ownKernel(kernelFunc: tf.KernelFunc): tf.KernelFunc {
  OWN_KERNELS.add(kernelFunc);
  return kernelFunc;
}

/**
 * Register, for the `wasm` backend, the training kernels it lacks or has only in a slow form:
 *
 * - `Conv2DBackpropFilter` (missing in tfjs-backend-wasm 4.22): {@link conv2dBackpropFilterFromOps};
 * - `Conv2DBackpropInput` (present, but a plain loop about 10× slower than the forward
 *   convolution): replaced by {@link conv2dBackpropInputFromOps}, which uses the XNNPACK forward
 *   convolution.
 *
 * - `MaxPoolGrad` (present, but wrong for windows whose values are all negative, and ties go to
 *   the last maximum): replaced by `maxPoolBackprop` ({@link registerWasmMaxPoolGrad});
 * - the `FusedBatchNorm` gradient: {@link registerBatchNormGradient} (tile-free, same values;
 *   global to all backends, as TF.js gradients are).
 *
 * Explicit call, nothing happens at import time; idempotent (a second call changes nothing).
 * Harmless when another backend is active: the kernels are registered for wasm only.
 * @returns The kernel names this call registered (empty when already done).
 */
export function registerWasmTrainingKernels(): string[] {
  const registered: string[] = [];
  const filterKernel = tf.getKernel(FILTER_KERNEL, 'wasm');
  if (filterKernel === undefined) {
    tf.registerKernel({
      kernelName: FILTER_KERNEL,
      backendName: 'wasm',
      kernelFunc: ownKernel(({ inputs, attrs }) => {
        const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
        return tf.tidy(() =>
          conv2dBackpropFilterFromOps(
            tensorFromInfo(x) as tf.Tensor4D,
            tensorFromInfo(dy) as tf.Tensor4D,
            attrs as unknown as Conv2DBackpropFilterAttrs,
          ),
        );
      }),
    });
    registered.push(FILTER_KERNEL);
  }
  const inputKernel = tf.getKernel(INPUT_KERNEL, 'wasm');
  if (inputKernel === undefined || !OWN_KERNELS.has(inputKernel.kernelFunc)) {
    if (inputKernel !== undefined) tf.unregisterKernel(INPUT_KERNEL, 'wasm');
    tf.registerKernel({
      kernelName: INPUT_KERNEL,
      backendName: 'wasm',
      kernelFunc: ownKernel(({ inputs, attrs }) => {
        const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
        return tf.tidy(() =>
          conv2dBackpropInputFromOps(
            tensorFromInfo(dy) as tf.Tensor4D,
            tensorFromInfo(filter) as tf.Tensor4D,
            attrs as unknown as Conv2DBackpropInputAttrs,
          ),
        );
      }),
    });
    registered.push(INPUT_KERNEL);
  }
  if (registerWasmMaxPoolGrad()) registered.push('MaxPoolGrad');
  if (registerBatchNormGradient()) registered.push('FusedBatchNorm gradient');
  return registered;
}
