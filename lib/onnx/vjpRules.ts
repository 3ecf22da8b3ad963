/**
 * Vector–Jacobian products of the ONNX operators of the density network, as ONNX subgraphs: the
 * rules of the project's reverse-mode pass ({@link appendGradientGraph}). Each rule receives the
 * gradients of a node's outputs and emits nodes computing the gradients of the inputs that need
 * one (data inputs for Grad-CAM and saliency; parameters too for training).
 *
 * Data-path rules (Grad-CAM at any layer, saliency):
 * - Conv → `ConvTranspose` with the same weights, strides and pads, and the `output_padding`
 *   that restores the input size (TF "same" pads are asymmetric on stride 2); at stride 1 a
 *   `Conv` of dY with the kernel flipped in space and its channel axes swapped, padded by
 *   k − 1 − p (the same sums; with ONNX Runtime's `Conv` a 650×650 training step is ≈ 11 % faster);
 * - LeakyRelu → the mask `x > 0 ? 1 : α` (as TF: the gradient at 0 is α); Relu likewise with 0.
 *   For 0 ≤ α ≤ 1 the mask is read from the output (y > 0 exactly when x > 0), which a training
 *   step keeps anyway as the next convolution's input, so the input can be freed in the forward
 *   pass (see `activationMask` for the one approximation, at subnormal outputs);
 * - Add → the gradient to every addend (fan-out sums are formed by the pass);
 * - MaxPool → the argmax indices of the forward `MaxPool` and a `ScatterElements` add (windows
 *   overlap at 3×3 stride 2, so an input can win several windows and its gradients add up);
 * - GlobalAveragePool → broadcast of dY/(h·w); Flatten → reshape; Transpose → inverse permutation;
 * - Gemm (no transposes) → dY·Bᵀ; BatchNormalization (inference) → dY·γ/√(σ²+ε); Softmax →
 *   y ⊙ (dY − Σ dY ⊙ y); Dropout (inference) → identity.
 */
import type { OnnxAttribute, OnnxNode } from './onnxGraph';
import { intAttr, intsAttr } from './onnxGraph';

/** What a rule may use to add nodes to the gradient graph. */
export interface VjpContext {
  /**
   * Add a node with one output and return the output's (new, unique) value name.
   * @param shape NCHW shape of the output (batch −1), when known, for later rules.
   */
  emit(
    op: string,
    inputs: string[],
    attributes?: Record<string, OnnxAttribute>,
    shape?: number[],
  ): string;
  /** Add a float32 constant (an initializer) and return its name. */
  constant(hint: string, dims: number[], data: Float32Array): string;
  /** Add an int64 constant and return its name. */
  int64(hint: string, values: number[]): string;
  /** Static NCHW shape of a value (batch −1). @throws when unknown. */
  shapeOf(value: string): number[];
  /** Float data of an initializer. @throws when the value is not a float initializer. */
  initializer(name: string): Float32Array;
  /** The forward nodes that read `value`. */
  consumers(value: string): OnnxNode[];
  /** Give the forward node `node` one more output (e.g. MaxPool indices); returns its name. */
  addForwardOutput(node: OnnxNode, suffix: string): string;
}

/**
 * A vector–Jacobian rule: from the gradients of `node`'s outputs (`''` where an output has none)
 * to the gradients of its inputs, for the inputs whose `needs` flag is set (`''` elsewhere).
 */
export type VjpRule = (
  ctx: VjpContext,
  node: OnnxNode,
  dOut: string[],
  needs: boolean[],
) => string[];

function attr(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attributes?.[name];
}
function ints(node: OnnxNode, name: string, fallback: number[]): number[] {
  const a = attr(node, name);
  return a && a.type === 'ints' ? a.value : fallback;
}
function float(node: OnnxNode, name: string, fallback: number): number {
  const a = attr(node, name);
  return a && a.type === 'float' ? a.value : fallback;
}
function int(node: OnnxNode, name: string, fallback: number): number {
  const a = attr(node, name);
  return a && a.type === 'int' ? a.value : fallback;
}

/**
 * The `n × n` permutation matrix sending row t to column `column(t)` (row-major float32): the
 * identity for `t ↦ t`, the exchange matrix for `t ↦ n − 1 − t`. A product with it reorders a
 * last axis exactly (one product by 1 and zeros per entry).
 */
export function permutationMatrix(n: number, column: (t: number) => number): Float32Array {
  const m = new Float32Array(n * n);
  for (let t = 0; t < n; t++) m[t * n + column(t)] = 1;
  return m;
}

/**
 * The kernel `[O, I, kh, kw]` (group 1) with its channel axes swapped and flipped in space,
 * `[I, O, kh, kw]`: K'[i, o, y, x] = K[o, i, kh − 1 − y, kw − 1 − x]. A 1×1 kernel is only
 * transposed; a larger one is reversed over its kh·kw taps by a product with the exchange
 * matrix (a `MatMul` of `[I·O, kh·kw]` by the anti-diagonal ones, exact: one product by 1 and
 * zeros per entry). ONNX Runtime's negative-step `Slice` moves one element at a time: on the
 * weights of a 256×256 step the flips took 20 ms, 13 of them on 1×1 kernels.
 */
function flippedKernel(
  ctx: VjpContext,
  kernel: string,
  [o, i]: number[],
  [kh, kw]: number[],
): string {
  const swapped = (value: string) => ctx.emit('Transpose', [value], { perm: intsAttr([1, 0, 2]) });
  const taps = kh * kw;
  if (taps === 1) return ctx.emit('Transpose', [kernel], { perm: intsAttr([1, 0, 2, 3]) });
  const exchange = permutationMatrix(taps, (t) => taps - 1 - t);
  const rows = swapped(ctx.emit('Reshape', [kernel, ctx.int64('oit', [o, i, taps])]));
  const reversed = ctx.emit('MatMul', [
    rows,
    ctx.constant(`exchange_${taps}`, [taps, taps], exchange),
  ]);
  return ctx.emit('Reshape', [reversed, ctx.int64('iohw', [i, o, kh, kw])]);
}

/**
 * Gradient of a Conv's data input: at stride 1 a Conv with the flipped, channel-swapped kernel;
 * otherwise a ConvTranspose with the output padding that restores the input size.
 */
function convDataGradient(ctx: VjpContext, node: OnnxNode, dY: string): string {
  const xShape = ctx.shapeOf(node.inputs[0]);
  const yShape = ctx.shapeOf(node.outputs[0]);
  const kernel = ints(node, 'kernel_shape', []);
  const strides = ints(node, 'strides', [1, 1]);
  const pads = ints(node, 'pads', [0, 0, 0, 0]);
  const outputPadding = [0, 1].map(
    (i) => xShape[2 + i] - (strides[i] * (yShape[2 + i] - 1) + kernel[i] - pads[i] - pads[i + 2]),
  );
  // p must be in [0, stride): anything else means the forward shapes are inconsistent.
  if (outputPadding.some((p, i) => p < 0 || p >= Math.max(strides[i], 1))) {
    throw new Error(
      `vjp Conv ${node.name}: cannot restore input ${xShape.join('×')} from ${yShape.join('×')} (output padding ${outputPadding.join(',')})`,
    );
  }
  const flippedPads = [0, 1, 0, 1].map((i, j) => kernel[i] - 1 - pads[j]);
  if (strides.every((v) => v === 1) && flippedPads.every((v) => v >= 0)) {
    // Stride 1: the transposed convolution is a convolution of dY with the kernel flipped in
    // space and its channel axes swapped, padded by k − 1 − p on each side.
    const flipped = flippedKernel(ctx, node.inputs[1], [yShape[1], xShape[1]], kernel);
    return ctx.emit(
      'Conv',
      [dY, flipped],
      {
        kernel_shape: intsAttr(kernel),
        pads: intsAttr(flippedPads),
        strides: intsAttr([1, 1]),
      },
      xShape,
    );
  }
  return ctx.emit(
    'ConvTranspose',
    [dY, node.inputs[1]],
    {
      kernel_shape: intsAttr(kernel),
      strides: intsAttr(strides),
      pads: intsAttr(pads),
      output_padding: intsAttr(outputPadding),
      group: intAttr(1),
    },
    xShape,
  );
}

/**
 * 2^126: the smallest power of two that takes every normal positive float32 (≥ 2^−126) to ≥ 1.
 */
const STEP_GAIN = 2 ** 126;

/**
 * dY where the activation's input was positive, α·dY elsewhere (as TF: the gradient at 0 is α).
 * For 0 ≤ α ≤ 1 the factor is read from the output y (y > 0 exactly when x > 0, and y is kept
 * anyway as the next layer's input) as max(HardSigmoid(2^126·y), α): HardSigmoid clips 2^126·y
 * to [0, 1], so the step is 1 for every normal positive y and 0 for y ≤ 0, and the factor is
 * exactly 1 or α (the max taken as `Clip(step, α, 1)`, whose kernel is 2.5× faster than `Max`
 * with a scalar). Only a subnormal positive y (below 2^−126 ≈ 1.2e−38) gets a factor between α
 * and 1. Two vectorised kernels and no boolean tensor: the comparison, bool-to-float `Cast` and
 * `Max` they replace took 64 of the 780 ms of a 256×256 step, the `Cast` alone 0.4 ms per million
 * values (ONNX Runtime's `Where` is slower still: 2× the cast-max-multiply on a 650×650 layer).
 * Other slopes keep `Where(x > 0, dY, α·dY)`.
 */
function activationMask(
  ctx: VjpContext,
  node: OnnxNode,
  negativeSlope: number,
  dY: string,
): string {
  const x = node.inputs[0];
  const shape = ctx.shapeOf(x);
  const alpha = () => ctx.constant('alpha', [], Float32Array.of(negativeSlope));
  if (negativeSlope >= 0 && negativeSlope <= 1) {
    const step = ctx.emit('HardSigmoid', [node.outputs[0]], {
      alpha: { type: 'float', value: STEP_GAIN },
      beta: { type: 'float', value: 0 },
    });
    const factor =
      negativeSlope === 0
        ? step
        : ctx.emit('Clip', [step, alpha(), ctx.constant('one', [], Float32Array.of(1))]);
    return ctx.emit('Mul', [dY, factor], undefined, shape);
  }
  const positive = ctx.emit('Greater', [x, ctx.constant('zero', [], Float32Array.of(0))]);
  return ctx.emit('Where', [positive, dY, ctx.emit('Mul', [dY, alpha()])], undefined, shape);
}

function maxPoolGradient(ctx: VjpContext, node: OnnxNode, dY: string): string {
  const x = node.inputs[0];
  const indices = ctx.addForwardOutput(node, 'indices');
  const xShape = ctx.emit('Shape', [x]);
  const flat = ctx.int64('flat', [-1]);
  const zeros = ctx.emit('Reshape', [ctx.emit('ConstantOfShape', [xShape]), flat]);
  const scattered = ctx.emit(
    'ScatterElements',
    [zeros, ctx.emit('Reshape', [indices, flat]), ctx.emit('Reshape', [dY, flat])],
    {
      axis: intAttr(0),
      reduction: { type: 'string', value: 'add' },
    },
  );
  return ctx.emit('Reshape', [scattered, xShape], undefined, ctx.shapeOf(x));
}

/** The rules, by operator type. Extend (spread) this table for more operators. */
export const VJP_RULES: Readonly<Record<string, VjpRule>> = {
  Transpose: (ctx, node, [dY]) => {
    const perm = ints(node, 'perm', []);
    const inverse = perm.map((_, i) => perm.indexOf(i));
    return [ctx.emit('Transpose', [dY], { perm: intsAttr(inverse) }, ctx.shapeOf(node.inputs[0]))];
  },
  Conv: (ctx, node, [dY], needs) => {
    if (needs[1] || needs[2])
      throw new Error(`vjp Conv ${node.name}: parameter gradients need the training rules`);
    return [needs[0] ? convDataGradient(ctx, node, dY) : '', '', ''];
  },
  LeakyRelu: (ctx, node, [dY]) => [activationMask(ctx, node, float(node, 'alpha', 0.01), dY)],
  Relu: (ctx, node, [dY]) => [activationMask(ctx, node, 0, dY)],
  Add: (_ctx, node, [dY], needs) => node.inputs.map((_, i) => (needs[i] ? dY : '')),
  MaxPool: (ctx, node, [dY]) => [maxPoolGradient(ctx, node, dY)],
  GlobalAveragePool: (ctx, node, [dY]) => {
    const [, , h, w] = ctx.shapeOf(node.inputs[0]);
    const scaled = ctx.emit('Mul', [
      dY,
      ctx.constant('inv_area', [], Float32Array.of(1 / (h * w))),
    ]);
    return [
      ctx.emit(
        'Expand',
        [scaled, ctx.emit('Shape', [node.inputs[0]])],
        undefined,
        ctx.shapeOf(node.inputs[0]),
      ),
    ];
  },
  Flatten: (ctx, node, [dY]) => [
    ctx.emit(
      'Reshape',
      [dY, ctx.emit('Shape', [node.inputs[0]])],
      undefined,
      ctx.shapeOf(node.inputs[0]),
    ),
  ],
  Dropout: (_ctx, _node, [dY]) => [dY, ''],
  Gemm: (ctx, node, [dY], needs) => {
    if (int(node, 'transA', 0) !== 0 || int(node, 'transB', 0) !== 0)
      throw new Error(`vjp Gemm ${node.name}: transposed operands are not supported`);
    if (needs[1] || needs[2])
      throw new Error(`vjp Gemm ${node.name}: parameter gradients need the training rules`);
    return [
      ctx.emit('Gemm', [dY, node.inputs[1]], { transB: intAttr(1) }, ctx.shapeOf(node.inputs[0])),
      '',
      '',
    ];
  },
  BatchNormalization: (ctx, node, [dY], needs) => {
    if (needs.slice(1).some(Boolean))
      throw new Error(
        `vjp BatchNormalization ${node.name}: parameter gradients need the training rules`,
      );
    const gamma = ctx.initializer(node.inputs[1]);
    const variance = ctx.initializer(node.inputs[4]);
    const eps = float(node, 'epsilon', 1e-5);
    const s = Float32Array.from(gamma, (g, c) => g / Math.sqrt(variance[c] + eps));
    return [
      ctx.emit(
        'Mul',
        [dY, ctx.constant(`${node.name}_scale`, [s.length, 1, 1], s)],
        undefined,
        ctx.shapeOf(node.inputs[0]),
      ),
      '',
      '',
      '',
      '',
    ];
  },
  Softmax: (ctx, node, [dY]) => {
    const y = node.outputs[0];
    const axis = ctx.int64('axis', [int(node, 'axis', -1)]);
    const dot = ctx.emit('ReduceSum', [ctx.emit('Mul', [dY, y]), axis], { keepdims: intAttr(1) });
    return [ctx.emit('Mul', [y, ctx.emit('Sub', [dY, dot])], undefined, ctx.shapeOf(y))];
  },
};
