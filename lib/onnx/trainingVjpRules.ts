/**
 * The vector–Jacobian rules of a training step: {@link VJP_RULES} plus the gradients of every
 * trainable parameter, for the training form of the density network built by
 * `buildTrainingGraph`:
 *
 * - Conv kernel: for each of the kh·kw kernel taps, the per-sample products dY · X_tapᵀ of the
 *   output gradient `[N, O, Ho·Wo]` with the shifted input `[N, I, Ho·Wo]`, summed over the batch:
 *   dW[:, :, ky, kx] = Σ dY ⊗ X(s·y+ky−t, s·x+kx−l). Both stay in NCHW: each product is a
 *   `MatMul` with a last-axes `Transpose`, which ONNX Runtime runs as one batched GEMM with a
 *   transposed operand (`FusedMatMul`), so neither operand is copied to channel-major. At stride 1
 *   the taps are contiguous spans of the flattened padded input against dY padded to the padded
 *   width (memcpy-speed slices); a 1×1 kernel is the input itself. At equal strides s > 1 the
 *   padded input is split into its s² stride phases by one `SpaceToDepth` and each tap is again a
 *   contiguous span of one phase (ONNX Runtime's strided `Slice` moves one element at a time:
 *   the tap slices of a 256×256 step took 39–57 ms before, 24–34 ms plus 7–8 ms for the phase
 *   split after); a strided 1×1 kernel's one tap is the input subsampled by a 1×1 `MaxPool`;
 *   other strides use strided slices. Each tap's products are summed over the batch, and the
 *   per-tap sums stacked and moved to OIHW (a `Concat` on the last axis copies one element at a
 *   time: 0.8 ms for a 128→128 3×3 kernel, twice the stacking and reordering used now).
 *   (Against channel-major copies and one `Gemm` per tap: ≈ 30 % less kernel time per 256×256
 *   step. The issue's measurements: nine shifted products 1.41× a forward conv, a
 *   batch-as-channels `Conv` 2.17×.)
 * - Conv bias: Σ dY over batch and space, or exactly 0 when only batch-statistics BatchNorms read
 *   the conv's output (the batch mean removes any per-channel constant); the data gradient is
 *   {@link VJP_RULES}' rule.
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
import { permutationMatrix, VJP_RULES, type VjpContext, type VjpRule } from './vjpRules';

/** Op type of the placeholder node for BatchNormalization on batch statistics. */
export const BN_TRAINING_OP = 'BatchNormalizationTraining';

function intsOf(node: OnnxNode, name: string, fallback: number[]): number[] {
  const a = node.attributes?.[name];
  return a && a.type === 'ints' ? a.value : fallback;
}

/** Σ over batch and space of an NCHW value → `[C]`. */
function channelSum(ctx: VjpContext, value: string): string {
  return ctx.emit('ReduceSum', [value, ctx.int64('axes', [0, 2, 3])], { keepdims: intAttr(0) });
}

/** `[N, C, H, W]` → `[N, C, H·W]` (a view: the batch stays dynamic). */
function flatSpace(ctx: VjpContext, value: string, channels: number): string {
  return ctx.emit('Reshape', [value, ctx.int64('ncl', [0, channels, -1])]);
}

/**
 * The per-sample products `a · bᵀ` `[N, O, I]` of `a` `[N, O, L]` and `b` `[N, I, L]` (`MatMul`
 * with a last-axes `Transpose`, which ONNX Runtime fuses into one batched GEMM with a transposed
 * operand: no copy of `b`).
 */
function tapProduct(ctx: VjpContext, a: string, b: string): string {
  const bt = ctx.emit('Transpose', [b], { perm: intsAttr([0, 2, 1]) });
  return ctx.emit('MatMul', [a, bt]);
}

/**
 * The shifted inputs of a stride-1 kernel, one per tap, without strided copies: the padded input
 * flattened over space (one more row when kw > 1, so that every shift stays inside), and dY
 * padded on the right to the padded width Wp. Tap (ky, kx) is then the contiguous span
 * `[ky·Wp + kx, ky·Wp + kx + Ho·Wp)` of every (n, i) row: dY is 0 in the Wp − Wo extra columns,
 * so Σ_j dYp[j]·Xflat[s + j] = Σ_{y,x} dY[y, x]·Xp[y + ky, x + kx].
 */
function strideOneTaps(
  ctx: VjpContext,
  node: OnnxNode,
  dY: string,
): { dYFlat: string; taps: string[] } {
  const [, cin, h, w] = ctx.shapeOf(node.inputs[0]);
  const [, cout, ho, wo] = ctx.shapeOf(node.outputs[0]);
  const [kh, kw] = intsOf(node, 'kernel_shape', []);
  const [t, l, b, r] = intsOf(node, 'pads', [0, 0, 0, 0]);
  const wp = w + l + r;
  const extraRow = kw > 1 ? 1 : 0;
  let x = node.inputs[0];
  if (t + l + b + r + extraRow > 0) {
    x = ctx.emit('Pad', [x, ctx.int64('pads', [0, 0, t, l, 0, 0, b + extraRow, r])]);
  }
  const xFlat = flatSpace(ctx, x, cin);
  const dYp =
    wp > wo ? ctx.emit('Pad', [dY, ctx.int64('pads', [0, 0, 0, 0, 0, 0, 0, wp - wo])]) : dY;
  const taps: string[] = [];
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const s = ky * wp + kx;
      // A 1×1 kernel without padding: the tap is the whole flattened input.
      const whole = s === 0 && ho === h + t + b + extraRow;
      taps.push(
        whole
          ? xFlat
          : ctx.emit('Slice', [
              xFlat,
              ctx.int64('starts', [s]),
              ctx.int64('ends', [s + ho * wp]),
              ctx.int64('axes', [2]),
            ]),
      );
    }
  }
  return { dYFlat: flatSpace(ctx, dYp, cout), taps };
}

/**
 * The shifted inputs of a kernel of equal strides s > 1 without strided copies: the padded input
 * is split into its s² stride phases by one `SpaceToDepth` (channel block (py, px) holds
 * Xp[s·a + py, s·b + px], on a grid of Hq × Wq), so tap (ky, kx) is phase (ky mod s, kx mod s)
 * shifted by (⌊ky/s⌋, ⌊kx/s⌋): the contiguous span `[⌊ky/s⌋·Wq + ⌊kx/s⌋, … + Ho·Wq)` of that
 * phase's flattened grid, against dY padded on the right to Wq (as {@link strideOneTaps} at
 * stride 1). Returns `undefined` for unequal strides, or when the grid would have to crop the
 * input (a kernel smaller than the stride that skips the last rows); the general strided slices
 * then apply.
 */
function phaseTaps(
  ctx: VjpContext,
  node: OnnxNode,
  dY: string,
): { dYFlat: string; taps: string[] } | undefined {
  const [, cin, h, w] = ctx.shapeOf(node.inputs[0]);
  const [, cout, ho, wo] = ctx.shapeOf(node.outputs[0]);
  const [kh, kw] = intsOf(node, 'kernel_shape', []);
  const [s, sx] = intsOf(node, 'strides', [1, 1]);
  if (s !== sx) return undefined;
  const [t, l] = intsOf(node, 'pads', [0, 0, 0, 0]);
  const shiftX = Math.floor((kw - 1) / s);
  const wq = wo + shiftX;
  const hq = ho + Math.floor((kh - 1) / s) + (shiftX > 0 ? 1 : 0);
  const [bottom, right] = [s * hq - h - t, s * wq - w - l];
  if (bottom < 0 || right < 0) return undefined;
  const padded =
    t + l + bottom + right > 0
      ? ctx.emit('Pad', [node.inputs[0], ctx.int64('pads', [0, 0, t, l, 0, 0, bottom, right])])
      : node.inputs[0];
  const phases = ctx.emit('Reshape', [
    ctx.emit('SpaceToDepth', [padded], { blocksize: intAttr(s) }),
    ctx.int64('nscl', [0, s * s, cin, hq * wq]),
  ]);
  const dYp =
    wq > wo ? ctx.emit('Pad', [dY, ctx.int64('pads', [0, 0, 0, 0, 0, 0, 0, wq - wo])]) : dY;
  const taps: string[] = [];
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const phase = (ky % s) * s + (kx % s);
      const start = Math.floor(ky / s) * wq + Math.floor(kx / s);
      const tap = ctx.emit('Slice', [
        phases,
        ctx.int64('starts', [phase, start]),
        ctx.int64('ends', [phase + 1, start + ho * wq]),
        ctx.int64('axes', [1, 3]),
      ]);
      taps.push(flatSpace(ctx, tap, cin));
    }
  }
  return { dYFlat: flatSpace(ctx, dYp, cout), taps };
}

/** The two operands of each tap's product (`[N, O, L]` and `[N, I, L]`), in OIHW tap order. */
type TapPairs = { dY: string; x: string }[];

/**
 * The tap operands of a stride-1 kernel from kh spans of the input and kw spans of dY instead of
 * kh·kw spans of the input: with j′ = j + kx, Σ_j dYp[j]·Xflat[j + ky·Wp + kx] =
 * Σ_j′ dYp[j′ − kx]·Xflat[j′ + ky·Wp] over L = Ho·Wp + kw − 1 positions, so tap (ky, kx) pairs
 * the input span starting at ky·Wp (shared by a row of taps) with the span of dY shifted by kx
 * (shared by a column). dY is padded by a zero row above and below (the shifted spans then
 * read zeros outside dY) and on the right to Wp. Returns `undefined` where that copies more
 * than the input spans would (kh·I + kw·O ≥ kh·kw·I: small kernels, or O much wider than I).
 */
function rowColumnPairs(ctx: VjpContext, node: OnnxNode, dY: string): TapPairs | undefined {
  const [, cin, , w] = ctx.shapeOf(node.inputs[0]);
  const [, cout, ho, wo] = ctx.shapeOf(node.outputs[0]);
  const [kh, kw] = intsOf(node, 'kernel_shape', []);
  if (kh * cin + kw * cout >= kh * kw * cin) return undefined;
  const [t, l, b, r] = intsOf(node, 'pads', [0, 0, 0, 0]);
  const wp = w + l + r;
  if (wp < kw - 1) return undefined;
  const span = ho * wp + kw - 1;
  const slice = (value: string, start: number) =>
    ctx.emit('Slice', [
      value,
      ctx.int64('starts', [start]),
      ctx.int64('ends', [start + span]),
      ctx.int64('axes', [2]),
    ]);
  const x = ctx.emit('Pad', [node.inputs[0], ctx.int64('pads', [0, 0, t, l, 0, 0, b + 1, r])]);
  const xFlat = flatSpace(ctx, x, cin);
  const dYp = ctx.emit('Pad', [dY, ctx.int64('pads', [0, 0, 1, 0, 0, 0, 1, wp - wo])]);
  const dYFlat = flatSpace(ctx, dYp, cout);
  const rows = Array.from({ length: kh }, (_, ky) => slice(xFlat, ky * wp));
  const columns = Array.from({ length: kw }, (_, kx) => slice(dYFlat, wp - kx));
  return rows.flatMap((xSpan) => columns.map((dYSpan) => ({ dY: dYSpan, x: xSpan })));
}

/**
 * The one tap of a 1×1 kernel of stride (sy, sx) without padding, `[N, I, Ho·Wo]`: the input
 * subsampled by a 1×1 `MaxPool` of those strides (exact; ONNX Runtime's strided `Slice` and its
 * `SpaceToDepth` move one element at a time, 3.4–3.6 ms for a 128-channel 64×64 input at batch 4).
 * Returns `undefined` for larger kernels or padded ones.
 */
function subsampledTap(
  ctx: VjpContext,
  node: OnnxNode,
  dY: string,
): { dYFlat: string; taps: string[] } | undefined {
  const [, cin] = ctx.shapeOf(node.inputs[0]);
  const [, cout] = ctx.shapeOf(node.outputs[0]);
  const [kh, kw] = intsOf(node, 'kernel_shape', []);
  if (kh !== 1 || kw !== 1 || intsOf(node, 'pads', [0, 0, 0, 0]).some((p) => p !== 0))
    return undefined;
  const tap = ctx.emit('MaxPool', [node.inputs[0]], {
    kernel_shape: intsAttr([1, 1]),
    strides: intsAttr(intsOf(node, 'strides', [1, 1])),
  });
  return { dYFlat: flatSpace(ctx, dY, cout), taps: [flatSpace(ctx, tap, cin)] };
}

/** The shifted, strided inputs of a kernel of any stride, one `[N, I, Ho·Wo]` per tap. */
function stridedTaps(
  ctx: VjpContext,
  node: OnnxNode,
  dY: string,
): { dYFlat: string; taps: string[] } {
  const [, cin] = ctx.shapeOf(node.inputs[0]);
  const [, cout, ho, wo] = ctx.shapeOf(node.outputs[0]);
  const [kh, kw] = intsOf(node, 'kernel_shape', []);
  const [sy, sx] = intsOf(node, 'strides', [1, 1]);
  const [t, l, b, r] = intsOf(node, 'pads', [0, 0, 0, 0]);
  let x = node.inputs[0];
  if (t + l + b + r > 0) {
    x = ctx.emit('Pad', [x, ctx.int64('pads', [0, 0, t, l, 0, 0, b, r])]);
  }
  const taps: string[] = [];
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const shifted = ctx.emit('Slice', [
        x,
        ctx.int64('starts', [ky, kx]),
        ctx.int64('ends', [ky + sy * (ho - 1) + 1, kx + sx * (wo - 1) + 1]),
        ctx.int64('axes', [2, 3]),
        ctx.int64('steps', [sy, sx]),
      ]);
      taps.push(flatSpace(ctx, shifted, cin));
    }
  }
  return { dYFlat: flatSpace(ctx, dY, cout), taps };
}

/**
 * Σ dY over batch and space; exactly 0 when every reader of the conv's output is a
 * batch-statistics BatchNormalization, which subtracts the per-channel batch mean (so any
 * per-channel constant, the bias among them, leaves the loss unchanged). That saves a full pass
 * over dY per convolution; TF.js's autodiff gives rounding noise there (≤ 1e-5 of the kernel's
 * gradient in the parity tests).
 */
function convBiasGradient(ctx: VjpContext, node: OnnxNode, dY: string): string {
  const readers = ctx.consumers(node.outputs[0]);
  if (
    readers.length > 0 &&
    readers.every((r) => r.op === BN_TRAINING_OP && r.inputs[0] === node.outputs[0])
  ) {
    const c = ctx.shapeOf(node.outputs[0])[1];
    return ctx.emit(
      'Identity',
      [ctx.constant('zero_bias_grad', [c], new Float32Array(c))],
      undefined,
      [c],
    );
  }
  return channelSum(ctx, dY);
}

/**
 * `[T, M]` → `[M, T]` as `Gemm(A, I_T, transA = 1)`: exact (each entry one product by 1 plus
 * zeros). ONNX Runtime's graph optimiser merges a `Transpose` here with the following `Reshape`
 * into a 4-D transpose, which took 0.9 ms for a 128→128 3×3 kernel against 0.16 ms for the GEMM.
 */
function tapsLast(ctx: VjpContext, stacked: string, taps: number): string {
  const identity = permutationMatrix(taps, (t) => t);
  return ctx.emit('Gemm', [stacked, ctx.constant(`identity_${taps}`, [taps, taps], identity)], {
    transA: intAttr(1),
  });
}

/** Input channels up to which the taps go into one product ({@link narrowKernelGradient}). */
const NARROW_INPUT = 8;

/**
 * The kernel gradient of a convolution with few input channels (the stem's 3): the taps
 * stacked into one `[N, T·I, L]` operand and one product per sample `[N, O, T·I]`, summed over
 * the batch and reordered to OIHW. A product per tap would be a GEMM only I columns wide (the
 * stem's nine took 10 ms of a 256×256 step at about 23 GFLOP/s).
 */
function narrowKernelGradient(
  ctx: VjpContext,
  node: OnnxNode,
  dYFlat: string,
  taps: string[],
): string {
  const [, cin] = ctx.shapeOf(node.inputs[0]);
  const [, cout] = ctx.shapeOf(node.outputs[0]);
  const [kh, kw] = intsOf(node, 'kernel_shape', []);
  const stacked = ctx.emit('Concat', taps, { axis: intAttr(1) });
  const rows = ctx.emit('Reshape', [
    tapProduct(ctx, dYFlat, stacked),
    ctx.int64('n_rest', [0, -1]),
  ]);
  const summed = ctx.emit('ReduceSum', [rows, ctx.int64('axes', [0])], { keepdims: intAttr(0) });
  const oti = ctx.emit('Reshape', [summed, ctx.int64('oti', [cout, taps.length, cin])]);
  const oit = ctx.emit('Transpose', [oti], { perm: intsAttr([0, 2, 1]) });
  return ctx.emit('Reshape', [oit, ctx.int64('oihw', [cout, cin, kh, kw])], undefined, [
    cout,
    cin,
    kh,
    kw,
  ]);
}

function convKernelGradient(ctx: VjpContext, node: OnnxNode, dY: string): string {
  const [, cin] = ctx.shapeOf(node.inputs[0]);
  const [, cout] = ctx.shapeOf(node.outputs[0]);
  const [kh, kw] = intsOf(node, 'kernel_shape', []);
  const strideOne = intsOf(node, 'strides', [1, 1]).every((v) => v === 1);
  let pairs = strideOne && cin > NARROW_INPUT ? rowColumnPairs(ctx, node, dY) : undefined;
  if (!pairs) {
    const { dYFlat, taps } = strideOne
      ? strideOneTaps(ctx, node, dY)
      : (subsampledTap(ctx, node, dY) ?? phaseTaps(ctx, node, dY) ?? stridedTaps(ctx, node, dY));
    if (taps.length > 1 && cin <= NARROW_INPUT)
      return narrowKernelGradient(ctx, node, dYFlat, taps);
    pairs = taps.map((x) => ({ dY: dYFlat, x }));
  }
  // Each tap's per-sample products [N, O, I] summed over the batch [1, O, I], the taps stacked
  // on the leading axis [T, O·I] (contiguous copies) and moved last ({@link tapsLast}).
  const sums = pairs.map((p) =>
    ctx.emit('ReduceSum', [tapProduct(ctx, p.dY, p.x), ctx.int64('axes', [0])], {
      keepdims: intAttr(1),
    }),
  );
  const oiLast =
    sums.length === 1
      ? sums[0]
      : tapsLast(
          ctx,
          ctx.emit('Reshape', [
            ctx.emit('Concat', sums, { axis: intAttr(0) }),
            ctx.int64('t_oi', [sums.length, cout * cin]),
          ]),
          sums.length,
        );
  return ctx.emit('Reshape', [oiLast, ctx.int64('oihw', [cout, cin, kh, kw])], undefined, [
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
  const [, , variance, , , centred] = node.outputs;
  const shape = ctx.shapeOf(x);
  const [, c, h, w] = shape;
  const epsAttr = node.attributes?.epsilon;
  const eps = epsAttr && epsAttr.type === 'float' ? epsAttr.value : 1e-3;
  // Per-channel values are [C] (the reductions drop their axes, γ and the variance are [C]):
  // no reshapes between them. inv = 1/√(σ²+ε); Σ dY = dβ; dγ = inv·Σ dY·(x − μ).
  const axes = ctx.int64('axes', [0, 2, 3]);
  const drop = { keepdims: intAttr(0) };
  const inv = ctx.emit('Reciprocal', [
    ctx.emit('Sqrt', [ctx.emit('Add', [variance, ctx.constant('eps', [], Float32Array.of(eps))])]),
  ]);
  const dBeta = ctx.emit('ReduceSum', [dY, axes], drop, [c]);
  const sumDyC = ctx.emit('ReduceSum', [ctx.emit('Mul', [dY, centred]), axes], drop);
  const dGamma = ctx.emit('Mul', [sumDyC, inv], undefined, [c]);
  let dx = '';
  if (needs[0]) {
    // dx = s·dY + a·(x − μ) + b per channel, s = γ·inv, k = −s/m (m = N·H·W, the batch is
    // dynamic), b = k·Σ dY, a = k·inv·dγ; a·(x − μ) + b in one BatchNormalization.
    const s = ctx.emit('Mul', [gamma, inv]);
    const n = ctx.emit('Cast', [ctx.emit('Shape', [x], { start: intAttr(0), end: intAttr(1) })], {
      to: intAttr(1),
    });
    const k = ctx.emit('Div', [
      s,
      ctx.emit('Mul', [n, ctx.constant('minus_area', [1], Float32Array.of(-h * w))]),
    ]);
    const b = ctx.emit('Mul', [k, dBeta]);
    const a = ctx.emit('Mul', [ctx.emit('Mul', [k, inv]), dGamma]);
    const affine = ctx.emit(
      'BatchNormalization',
      [
        centred,
        a,
        b,
        ctx.constant(`zeros_${c}`, [c], new Float32Array(c)),
        ctx.constant(`ones_${c}`, [c], new Float32Array(c).fill(1)),
      ],
      { epsilon: { type: 'float', value: 0 } },
    );
    const sc11 = ctx.emit('Reshape', [s, ctx.int64('c11', [c, 1, 1])]);
    dx = ctx.emit('Add', [ctx.emit('Mul', [dY, sc11]), affine], undefined, shape);
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
      needs[2] ? convBiasGradient(ctx, node, dY) : '',
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
