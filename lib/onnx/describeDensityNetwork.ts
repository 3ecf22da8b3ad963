/**
 * The density network (a TF.js Layers model) as an {@link OnnxGraph}, layer for layer: the one
 * description every ONNX graph of the project starts from.
 *
 * Mapping (Keras layer → ONNX, opset 17):
 * - InputLayer `input_1` NHWC `[N, H, W, 3]` → `Transpose` to NCHW (`input_1_nchw`);
 * - Conv2D → `Conv` with the kernel as OIHW `[out, in, kh, kw]` and TF "same" padding written as
 *   explicit pads (asymmetric on stride 2: the extra row/column at the bottom/right, as TF does);
 * - BatchNormalization → `BatchNormalization` (inference form, moving statistics, Keras ε);
 * - LeakyReLU → `LeakyRelu` (α from the layer, 0.3 here); ReLU → `Relu`;
 * - MaxPooling2D → `MaxPool` with explicit pads (padded cells never win, as in TF);
 * - Add → `Add`; Dropout → `Dropout` with its rate as input `<layer>/ratio` (identity at inference);
 * - GlobalAveragePooling2D → `GlobalAveragePool` + `Flatten`;
 * - Dense (the last layer) → `Gemm` producing `logits`, then `Softmax` producing `probabilities`
 *   (also for a linear head, so that the probabilities are always there).
 *
 * Value names are the Keras layer names (`add_12`), node names too; parameters are initializers
 * `<layer>/<weight>`. `valueShapes` records every value's NCHW shape with `-1` for the batch.
 */
import * as tf from '@tensorflow/tfjs';
import { floatAttr, intAttr, intsAttr, type OnnxGraph, type OnnxNode } from './onnxGraph';

/** Shapes of values (NCHW, batch `-1`), keyed by value name, as produced by {@link describeDensityNetwork}. */
export type ValueShapes = Record<string, number[]>;

/** An {@link OnnxGraph} plus the static shape of every value. */
export interface DescribedGraph extends OnnxGraph {
  /** NCHW shape of every value, batch dimension `-1`. */
  valueShapes: ValueShapes;
}

type Layer = tf.layers.Layer;

/** Read a layer weight by its Keras short name (`kernel`, `moving_mean`), or null when absent. */
function weight(layer: Layer, short: string): Float32Array | null {
  const re = new RegExp(`(^|/)${short}(_\\d+)?$`);
  const w = layer.weights.find((v) => re.test(v.originalName ?? v.name));
  return w ? (w.read().dataSync() as Float32Array).slice() : null;
}

function pair(v: unknown, what: string, layer: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2) return [Number(v[0]), Number(v[1])];
  throw new Error(
    `describeDensityNetwork: ${layer}: ${what} must be a number or a pair, got ${JSON.stringify(v)}`,
  );
}

/**
 * TF padding as ONNX pads `[top, left, bottom, right]` and the output size.
 * "same": out = ⌈in/s⌉, total = max((out−1)·s + k − in, 0), begin = ⌊total/2⌋ (TF puts the odd
 * cell at the end); "valid": no pads, out = ⌊(in − k)/s⌋ + 1.
 * @param input `[h, w]` input size; `kernel`, `strides` per axis.
 */
export function tfPadding(
  padding: string,
  input: [number, number],
  kernel: [number, number],
  strides: [number, number],
): { pads: number[]; output: [number, number] } {
  if (padding === 'valid') {
    const output = input.map((n, i) => Math.floor((n - kernel[i]) / strides[i]) + 1) as [
      number,
      number,
    ];
    return { pads: [0, 0, 0, 0], output };
  }
  if (padding !== 'same')
    throw new Error(`describeDensityNetwork: padding "${padding}" is not supported`);
  const output = input.map((n, i) => Math.ceil(n / strides[i])) as [number, number];
  const total = input.map((n, i) => Math.max((output[i] - 1) * strides[i] + kernel[i] - n, 0));
  const begin = total.map((t) => Math.floor(t / 2));
  return { pads: [begin[0], begin[1], total[0] - begin[0], total[1] - begin[1]], output };
}

/** HWIO `[kh, kw, in, out]` → OIHW `[out, in, kh, kw]`. */
function hwioToOihw(
  k: Float32Array,
  kh: number,
  kw: number,
  cin: number,
  cout: number,
): Float32Array {
  const out = new Float32Array(k.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          out[((o * cin + i) * kh + y) * kw + x] = k[((y * kw + x) * cin + i) * cout + o];
  return out;
}

/** Per-layer translation state. */
interface Ctx {
  graph: DescribedGraph;
  /** Keras layer name → ONNX value name holding its output. */
  valueOf: Map<string, string>;
}

function inputsOf(ctx: Ctx, layer: Layer): string[] {
  if (layer.inboundNodes.length !== 1) {
    throw new Error(
      `describeDensityNetwork: layer ${layer.name} is applied ${layer.inboundNodes.length} times; shared layers are not supported`,
    );
  }
  return layer.inboundNodes[0].inboundLayers.map((l) => {
    const v = ctx.valueOf.get(l.name);
    if (!v)
      throw new Error(`describeDensityNetwork: ${layer.name} reads ${l.name} before it is defined`);
    return v;
  });
}

function emit(ctx: Ctx, node: OnnxNode, shape: number[]): string {
  ctx.graph.nodes.push(node);
  const out = node.outputs[0];
  ctx.graph.valueShapes[out] = shape;
  return out;
}

function conv(ctx: Ctx, layer: Layer, cfg: tf.serialization.ConfigDict, x: string): string {
  const [, cin, h, w] = ctx.graph.valueShapes[x];
  const kernel = pair(cfg.kernelSize, 'kernelSize', layer.name);
  const strides = pair(cfg.strides ?? 1, 'strides', layer.name);
  const dilation = pair(cfg.dilationRate ?? 1, 'dilationRate', layer.name);
  if (
    (cfg.dataFormat ?? 'channelsLast') !== 'channelsLast' ||
    dilation[0] !== 1 ||
    dilation[1] !== 1
  ) {
    throw new Error(
      `describeDensityNetwork: ${layer.name}: only channelsLast, undilated convolutions are supported`,
    );
  }
  if ((cfg.activation ?? 'linear') !== 'linear') {
    throw new Error(
      `describeDensityNetwork: ${layer.name}: a fused activation (${String(cfg.activation)}) is not supported`,
    );
  }
  const cout = Number(cfg.filters);
  const k = weight(layer, 'kernel');
  if (!k) throw new Error(`describeDensityNetwork: ${layer.name} has no kernel`);
  const bias = weight(layer, 'bias') ?? new Float32Array(cout);
  const { pads, output } = tfPadding(String(cfg.padding), [h, w], kernel, strides);
  ctx.graph.initializers.push(
    {
      name: `${layer.name}/kernel`,
      dtype: 'float32',
      dims: [cout, cin, ...kernel],
      data: hwioToOihw(k, kernel[0], kernel[1], cin, cout),
    },
    { name: `${layer.name}/bias`, dtype: 'float32', dims: [cout], data: bias },
  );
  return emit(
    ctx,
    {
      op: 'Conv',
      name: layer.name,
      inputs: [x, `${layer.name}/kernel`, `${layer.name}/bias`],
      outputs: [layer.name],
      attributes: {
        kernel_shape: intsAttr(kernel),
        strides: intsAttr(strides),
        pads: intsAttr(pads),
        dilations: intsAttr([1, 1]),
        group: intAttr(1),
      },
    },
    [-1, cout, ...output],
  );
}

function batchNorm(ctx: Ctx, layer: Layer, cfg: tf.serialization.ConfigDict, x: string): string {
  const axis = Array.isArray(cfg.axis) ? cfg.axis : [cfg.axis];
  if (axis.length !== 1 || (axis[0] !== -1 && axis[0] !== 3)) {
    throw new Error(
      `describeDensityNetwork: ${layer.name}: only BatchNormalization over the channel axis is supported`,
    );
  }
  const mean = weight(layer, 'moving_mean');
  const variance = weight(layer, 'moving_variance');
  if (!mean || !variance)
    throw new Error(`describeDensityNetwork: ${layer.name} has no moving statistics`);
  const c = mean.length;
  const params = {
    gamma: weight(layer, 'gamma') ?? new Float32Array(c).fill(1),
    beta: weight(layer, 'beta') ?? new Float32Array(c),
    moving_mean: mean,
    moving_variance: variance,
  };
  for (const [n, data] of Object.entries(params)) {
    ctx.graph.initializers.push({ name: `${layer.name}/${n}`, dtype: 'float32', dims: [c], data });
  }
  return emit(
    ctx,
    {
      op: 'BatchNormalization',
      name: layer.name,
      inputs: [x, ...Object.keys(params).map((n) => `${layer.name}/${n}`)],
      outputs: [layer.name],
      attributes: {
        epsilon: floatAttr(Number(cfg.epsilon ?? 1e-3)),
        momentum: floatAttr(Number(cfg.momentum ?? 0.99)),
      },
    },
    ctx.graph.valueShapes[x],
  );
}

function maxPool(ctx: Ctx, layer: Layer, cfg: tf.serialization.ConfigDict, x: string): string {
  const [, c, h, w] = ctx.graph.valueShapes[x];
  const kernel = pair(cfg.poolSize, 'poolSize', layer.name);
  const strides = pair(cfg.strides ?? cfg.poolSize, 'strides', layer.name);
  const { pads, output } = tfPadding(String(cfg.padding), [h, w], kernel, strides);
  return emit(
    ctx,
    {
      op: 'MaxPool',
      name: layer.name,
      inputs: [x],
      outputs: [layer.name],
      attributes: {
        kernel_shape: intsAttr(kernel),
        strides: intsAttr(strides),
        pads: intsAttr(pads),
      },
    },
    [-1, c, ...output],
  );
}

function dense(ctx: Ctx, layer: Layer, cfg: tf.serialization.ConfigDict, x: string): string {
  const act = typeof cfg.activation === 'string' ? cfg.activation : 'linear';
  if (act !== 'softmax' && act !== 'linear') {
    throw new Error(
      `describeDensityNetwork: ${layer.name}: a ${act} head is not supported (softmax or linear)`,
    );
  }
  const [, features] = ctx.graph.valueShapes[x];
  const units = Number(cfg.units);
  const kernel = weight(layer, 'kernel');
  if (!kernel || kernel.length !== features * units)
    throw new Error(`describeDensityNetwork: ${layer.name}: kernel is not [${features}, ${units}]`);
  ctx.graph.initializers.push(
    { name: `${layer.name}/kernel`, dtype: 'float32', dims: [features, units], data: kernel },
    {
      name: `${layer.name}/bias`,
      dtype: 'float32',
      dims: [units],
      data: weight(layer, 'bias') ?? new Float32Array(units),
    },
  );
  emit(
    ctx,
    {
      op: 'Gemm',
      name: layer.name,
      inputs: [x, `${layer.name}/kernel`, `${layer.name}/bias`],
      outputs: ['logits'],
    },
    [-1, units],
  );
  return emit(
    ctx,
    {
      op: 'Softmax',
      name: `${layer.name}_softmax`,
      inputs: ['logits'],
      outputs: ['probabilities'],
      attributes: { axis: intAttr(1) },
    },
    [-1, units],
  );
}

/** Translate one layer; returns the value name of its output. */
function translate(ctx: Ctx, layer: Layer, isLast: boolean): string {
  const cls = layer.getClassName();
  const cfg = layer.getConfig();
  const ins = inputsOf(ctx, layer);
  const shape = ctx.graph.valueShapes[ins[0]];
  switch (cls) {
    case 'Conv2D':
      return conv(ctx, layer, cfg, ins[0]);
    case 'BatchNormalization':
      return batchNorm(ctx, layer, cfg, ins[0]);
    case 'LeakyReLU':
      return emit(
        ctx,
        {
          op: 'LeakyRelu',
          name: layer.name,
          inputs: ins,
          outputs: [layer.name],
          attributes: { alpha: floatAttr(Number(cfg.alpha ?? 0.3)) },
        },
        shape,
      );
    case 'ReLU':
      if (
        cfg.maxValue != null ||
        Number(cfg.negativeSlope ?? 0) !== 0 ||
        Number(cfg.threshold ?? 0) !== 0
      )
        break;
      return emit(ctx, { op: 'Relu', name: layer.name, inputs: ins, outputs: [layer.name] }, shape);
    case 'MaxPooling2D':
      return maxPool(ctx, layer, cfg, ins[0]);
    case 'Add':
      return emit(ctx, { op: 'Add', name: layer.name, inputs: ins, outputs: [layer.name] }, shape);
    case 'Dropout':
      ctx.graph.initializers.push({
        name: `${layer.name}/ratio`,
        dtype: 'float32',
        dims: [],
        data: Float32Array.of(Number(cfg.rate)),
      });
      return emit(
        ctx,
        {
          op: 'Dropout',
          name: layer.name,
          inputs: [ins[0], `${layer.name}/ratio`],
          outputs: [layer.name],
        },
        shape,
      );
    case 'GlobalAveragePooling2D':
      emit(
        ctx,
        { op: 'GlobalAveragePool', name: layer.name, inputs: ins, outputs: [`${layer.name}_nchw`] },
        [-1, shape[1], 1, 1],
      );
      return emit(
        ctx,
        {
          op: 'Flatten',
          name: `${layer.name}_flatten`,
          inputs: [`${layer.name}_nchw`],
          outputs: [layer.name],
          attributes: { axis: intAttr(1) },
        },
        [-1, shape[1]],
      );
    case 'Dense':
      if (isLast) return dense(ctx, layer, cfg, ins[0]);
      break;
  }
  throw new Error(
    `describeDensityNetwork: layer ${layer.name} (${cls}) is not supported by the ONNX export`,
  );
}

/**
 * Describe a density model as an ONNX graph (unfolded: BatchNorm nodes kept, Dropout kept).
 * @param model A functional Layers model with one NHWC input and a Dense last layer (the
 *   breast-density ResNet, or any model of the same layer kinds). Not modified or disposed.
 * @returns A new graph; input `input_1` float32 `[N, H, W, C]`, outputs `logits` and
 *   `probabilities` float32 `[N, classes]`. Weights are copied (the model may be disposed).
 * @throws Error naming the layer when a layer kind or option is not supported.
 */
export function describeDensityNetwork(model: tf.LayersModel): DescribedGraph {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(
      `describeDensityNetwork: expected one input and one output, got ${model.inputs.length} and ${model.outputs.length}`,
    );
  }
  const [, h, w, c] = model.inputs[0].shape;
  if (![h, w, c].every((d) => typeof d === 'number')) {
    throw new Error(
      `describeDensityNetwork: expected a fixed input size, got ${JSON.stringify(model.inputs[0].shape)}`,
    );
  }
  const inputLayer = model.layers[0];
  const numClasses = Number(model.outputs[0].shape[1]);
  const graph: DescribedGraph = {
    name: model.name,
    nodes: [],
    initializers: [],
    inputs: [{ name: inputLayer.name, dtype: 'float32', shape: ['N', h!, w!, c!] }],
    outputs: [
      { name: 'logits', dtype: 'float32', shape: ['N', numClasses] },
      { name: 'probabilities', dtype: 'float32', shape: ['N', numClasses] },
    ],
    valueShapes: { [inputLayer.name]: [-1, h!, w!, c!] },
  };
  const ctx: Ctx = { graph, valueOf: new Map() };
  ctx.valueOf.set(
    inputLayer.name,
    emit(
      ctx,
      {
        op: 'Transpose',
        name: `${inputLayer.name}_to_nchw`,
        inputs: [inputLayer.name],
        outputs: [`${inputLayer.name}_nchw`],
        attributes: { perm: intsAttr([0, 3, 1, 2]) },
      },
      [-1, c!, h!, w!],
    ),
  );
  const layers = model.layers.slice(1);
  for (const [i, layer] of layers.entries()) {
    ctx.valueOf.set(layer.name, translate(ctx, layer, i === layers.length - 1));
  }
  return graph;
}
