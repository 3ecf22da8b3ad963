/**
 * The vector–Jacobian rules of a training step: {@link VJP_RULES} plus the gradients of every
 * trainable parameter, for the training form of the density network built by
 * `buildTrainingGraph`:
 *
 * - Conv kernel: for each of the kh·kw kernel taps, one `Gemm` of the output gradient
 *   (channel-major `[O, N·Ho·Wo]`) with the shifted, strided slice of the padded input
 *   (channel-major `[I, N·Ho·Wo]`, `transB`), i.e. dW[:, :, ky, kx] = Σ dY ⊗ X(s·y+ky−t, s·x+kx−l).
 *   A 1×1 kernel is a single `Gemm` on the (strided) input, no padding. The tap products are
 *   concatenated to OIHW. (The issue's measurements: nine shifted products 1.41× a forward conv,
 *   a batch-as-channels `Conv` 2.17×.)
 * - Conv bias: Σ dY over batch and space (the data gradient is {@link VJP_RULES}' `ConvTranspose`).
 * - Gemm (the dense head, no transposes): dW = Xᵀ·dY (`Gemm transA`), db = Σ dY over the batch.
 * - `BatchNormalizationTraining` (the project's placeholder for batch-statistics BN, expanded to
 *   standard ops by `expandTrainingBatchNorms`; outputs `[y, mean, variance, mean4, variance4,
 *   centred]`, mean4/variance4 `[1, C, 1, 1]`, centred = x − μ): with x̂ = (x − μ)/√(σ²+ε),
 *   m = N·H·W, dβ = Σ dY, dγ = Σ dY·x̂, dx = γ/√(σ²+ε) · (dY − dβ/m − x̂·dγ/m) (Ioffe & Szegedy,
 *   ICML 2015, section 3; the statistics are differentiated, as Keras and TF.js do in training).
 *   dx is formed as s·dY + (a·(x − μ) + b) with per-channel s, a, b, the bracket one inference
 *   `BatchNormalization` (mean 0, variance 1, ε 0): three full-size passes instead of seven.
 * - Mul of equal shapes (the dropout mask): dA = dY·B, dB = dY·A.
 */
import type { OnnxNode } from './onnxGraph';
import { intAttr, intsAttr } from './onnxGraph';
import { VJP_RULES, type VjpContext, type VjpRule } from './vjpRules';

/** Op type of the placeholder node for BatchNormalization on batch statistics. */
export const BN_TRAINING_OP = 'BatchNormalizationTraining';

function intsOf(node: OnnxNode, name: string, fallback: number[]): number[] {
  const a = node.attributes?.[name];
  return a && a.type === 'ints' ? a.value : fallback;
}

/** `[N, C, H, W]` → channel-major `[C, N·H·W]`. */
function channelMajor(ctx: VjpContext, value: string, channels: number): string {
  const t = ctx.emit('Transpose', [value], { perm: intsAttr([1, 0, 2, 3]) });
  return ctx.emit('Reshape', [t, ctx.int64('cm', [channels, -1])]);
}

/** Σ over batch and space of an NCHW value → `[C]`. */
function channelSum(ctx: VjpContext, value: string): string {
  return ctx.emit('ReduceSum', [value, ctx.int64('axes', [0, 2, 3])], { keepdims: intAttr(0) });
}

function convKernelGradient(ctx: VjpContext, node: OnnxNode, dY: string): string {
  const [, cin, h, w] = ctx.shapeOf(node.inputs[0]);
  const [, cout, ho, wo] = ctx.shapeOf(node.outputs[0]);
  const [kh, kw] = intsOf(node, 'kernel_shape', []);
  const [sy, sx] = intsOf(node, 'strides', [1, 1]);
  const [t, l, b, r] = intsOf(node, 'pads', [0, 0, 0, 0]);
  const dYt = channelMajor(ctx, dY, cout);
  let x = node.inputs[0];
  if (t + l + b + r > 0) {
    x = ctx.emit('Pad', [x, ctx.int64('pads', [0, 0, t, l, 0, 0, b, r])]);
  }
  const xt = ctx.emit('Transpose', [x], { perm: intsAttr([1, 0, 2, 3]) });
  const whole =
    kh === 1 && kw === 1 && sy === 1 && sx === 1 && h + t + b === ho && w + l + r === wo;
  const taps: string[] = [];
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const shifted = whole
        ? xt
        : ctx.emit('Slice', [
            xt,
            ctx.int64('starts', [ky, kx]),
            ctx.int64('ends', [ky + sy * (ho - 1) + 1, kx + sx * (wo - 1) + 1]),
            ctx.int64('axes', [2, 3]),
            ctx.int64('steps', [sy, sx]),
          ]);
      const flat = ctx.emit('Reshape', [shifted, ctx.int64('cm', [cin, -1])]);
      const tap = ctx.emit('Gemm', [dYt, flat], { transB: intAttr(1) });
      taps.push(kh * kw === 1 ? tap : ctx.emit('Reshape', [tap, ctx.int64('tap', [cout, cin, 1])]));
    }
  }
  const joined = taps.length === 1 ? taps[0] : ctx.emit('Concat', taps, { axis: intAttr(2) });
  return ctx.emit('Reshape', [joined, ctx.int64('oihw', [cout, cin, kh, kw])], undefined, [
    cout,
    cin,
    kh,
    kw,
  ]);
}

function batchNormTrainingGradient(
  ctx: VjpContext,
  node: OnnxNode,
  dY: string,
  needs: boolean[],
): string[] {
  const [x, gamma] = node.inputs;
  const [, , , , variance4, centred] = node.outputs;
  const shape = ctx.shapeOf(x);
  const [, c, h, w] = shape;
  const epsAttr = node.attributes?.epsilon;
  const eps = epsAttr && epsAttr.type === 'float' ? epsAttr.value : 1e-3;
  const keep = { keepdims: intAttr(1) };
  const axes = ctx.int64('axes', [0, 2, 3]);
  const flat = ctx.int64('flat', [-1]);
  const inv = ctx.emit('Reciprocal', [
    ctx.emit('Sqrt', [ctx.emit('Add', [variance4, ctx.constant('eps', [], Float32Array.of(eps))])]),
  ]);
  // Σ dY and Σ dY·(x − μ) per channel, [1, C, 1, 1]; dγ = inv·Σ dY·(x − μ).
  const sumDy = ctx.emit('ReduceSum', [dY, axes], keep);
  const sumDyC = ctx.emit('ReduceSum', [ctx.emit('Mul', [dY, centred]), axes], keep);
  const dBeta = ctx.emit('Reshape', [sumDy, flat]);
  const dGamma = ctx.emit('Reshape', [ctx.emit('Mul', [sumDyC, inv]), flat]);
  let dx = '';
  if (needs[0]) {
    // dx = s·dY + a·(x − μ) + b per channel, s = γ·inv, a = −s·inv²·Σ dY·(x − μ)/m,
    // b = −s·Σ dY/m (m = N·H·W, the batch is dynamic); a·(x − μ) + b in one BatchNormalization.
    const n = ctx.emit('Cast', [ctx.emit('Shape', [x], { start: intAttr(0), end: intAttr(1) })], {
      to: intAttr(1),
    });
    const minusInvCount = ctx.emit('Reciprocal', [
      ctx.emit('Mul', [n, ctx.constant('minus_area', [1], Float32Array.of(-h * w))]),
    ]);
    const s = ctx.emit('Mul', [ctx.emit('Reshape', [gamma, ctx.int64('c11', [c, 1, 1])]), inv]);
    const b = ctx.emit('Mul', [ctx.emit('Mul', [s, sumDy]), minusInvCount]);
    const a = ctx.emit('Mul', [
      ctx.emit('Mul', [ctx.emit('Mul', [s, ctx.emit('Mul', [inv, inv])]), sumDyC]),
      minusInvCount,
    ]);
    const affine = ctx.emit(
      'BatchNormalization',
      [
        centred,
        ctx.emit('Reshape', [a, flat]),
        ctx.emit('Reshape', [b, flat]),
        ctx.constant(`zeros_${c}`, [c], new Float32Array(c)),
        ctx.constant(`ones_${c}`, [c], new Float32Array(c).fill(1)),
      ],
      { epsilon: { type: 'float', value: 0 } },
    );
    dx = ctx.emit('Add', [ctx.emit('Mul', [dY, s]), affine], undefined, shape);
  }
  return [dx, needs[1] ? dGamma : '', needs[2] ? dBeta : ''];
}

/** {@link VJP_RULES} with parameter gradients and the training-form nodes. */
export const TRAINING_VJP_RULES: Readonly<Record<string, VjpRule>> = {
  ...VJP_RULES,
  Conv: (ctx, node, dOut, needs) => {
    const [dY] = dOut;
    const data = needs[0] ? VJP_RULES.Conv(ctx, node, dOut, [true, false, false])[0] : '';
    return [
      data,
      needs[1] ? convKernelGradient(ctx, node, dY) : '',
      needs[2] ? channelSum(ctx, dY) : '',
    ];
  },
  Gemm: (ctx, node, dOut, needs) => {
    const [dY] = dOut;
    const data = needs[0] ? VJP_RULES.Gemm(ctx, node, dOut, [true, false, false])[0] : '';
    return [
      data,
      needs[1]
        ? ctx.emit(
            'Gemm',
            [node.inputs[0], dY],
            { transA: intAttr(1) },
            ctx.shapeOf(node.inputs[1]),
          )
        : '',
      needs[2] ? ctx.emit('ReduceSum', [dY, ctx.int64('axes', [0])], { keepdims: intAttr(0) }) : '',
    ];
  },
  [BN_TRAINING_OP]: (ctx, node, [dY], needs) => batchNormTrainingGradient(ctx, node, dY, needs),
  Mul: (ctx, node, [dY], needs) => {
    const [a, b] = node.inputs;
    const sa = ctx.shapeOf(a).join(',');
    const sb = ctx.shapeOf(b).join(',');
    if (sa !== sb)
      throw new Error(`vjp Mul ${node.name}: broadcasting is not supported ([${sa}] · [${sb}])`);
    return [
      needs[0] ? ctx.emit('Mul', [dY, b], undefined, ctx.shapeOf(a)) : '',
      needs[1] ? ctx.emit('Mul', [dY, a], undefined, ctx.shapeOf(b)) : '',
    ];
  },
};
