/**
 * A fast, inference-only executor for a TF.js Layers model (the breast-density ResNet or any
 * functional model made of the same layer kinds).
 *
 * What it changes against `model.predict` (results equal up to float32 rounding):
 * - every BatchNormalization that follows a convolution is folded into it
 *   (w' = w·γ/√(σ²+ε), b' = (b−μ)·γ/√(σ²+ε)+β, see {@link foldBatchNorm});
 * - convolution + bias + LeakyReLU run as one `FusedConv2D` kernel (`tf.fused.conv2d` with
 *   `activation: 'leakyrelu'`), so the BatchNorm and LeakyReLU passes over the activations vanish;
 * - Dropout is the identity (inference), no Layers bookkeeping (no per-layer `Identity` copies,
 *   no symbolic-graph execution), and every intermediate tensor is disposed right after its
 *   last consumer ran, inside one `tf.tidy` per call, so peak memory stays at a few activations.
 *
 * Layer kinds executed natively: InputLayer, Conv2D, BatchNormalization (folded or standalone),
 * LeakyReLU, ReLU, Activation, MaxPooling2D, AveragePooling2D, Add, Dropout,
 * GlobalAveragePooling2D, Flatten, Dense. Any other layer kind runs through its own
 * `layer.apply(x, {training: false})`, so unusual models still give the model's results.
 */
import * as tf from '@tensorflow/tfjs';
import { foldBatchNorm } from './foldBatchNorm';

type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu';

/** One executable step of the plan: produces the value of `outputId` from `inputIds`. */
interface Step {
  /** Name of the layer whose output this step yields (the last layer of a fused group). */
  layerName: string;
  /** Names of all layers the step covers (e.g. conv2d_5, batch_normalization_5, leaky_re_lu_5). */
  covers: string[];
  inputIds: number[];
  outputId: number;
  run: (inputs: tf.Tensor[]) => tf.Tensor;
}

/** The executable form of a model for one choice of kept outputs. */
interface Plan {
  steps: Step[];
  inputId: number;
  outputId: number;
  /** Value id of the pre-activation of the final Dense (logits), and its activation. */
  logitsId: number | null;
  headActivation: string;
  /** Value id of the kept layer output, when one was requested. */
  keptId: number | null;
  /** For each value id, the index of the last step that reads it. */
  lastUse: Map<number, number>;
}

/**
 * A model prepared for fast inference by {@link createInferenceModel}.
 *
 * Dispose contract: tensors passed in are never disposed; every tensor returned is new and owned
 * by the caller (dispose it, or call inside `tf.tidy`). `dispose()` frees the folded weights
 * (the source Layers model is untouched and still owned by its creator).
 */
export interface InferenceModel {
  /** Input `[height, width, channels]` of the source model. */
  readonly inputShape: [number, number, number];
  /** Number of output classes. */
  readonly numClasses: number;
  /**
   * The source model's output for a batch: probabilities for the softmax head (float32
   * `[batch, numClasses]`, rows sum to 1), exactly what `model.predict(x)` returns.
   * @param x float32 `[batch, H, W, C]`, preprocessed like the model's training input.
   */
  predict(x: tf.Tensor4D): tf.Tensor2D;
  /** Pre-activation scores of the final Dense layer (logits), float32 `[batch, numClasses]`. */
  logits(x: tf.Tensor4D): tf.Tensor2D;
  /** Both the output (`predict`) and the logits of one forward pass; the caller owns both. */
  predictWithLogits(x: tf.Tensor4D): { probabilities: tf.Tensor2D; logits: tf.Tensor2D };
  /**
   * One forward pass that also returns the output of layer `layerName` (e.g. `add_12` for
   * Grad-CAM): `activations` float32 `[batch, h, w, k]` and `logits` float32
   * `[batch, numClasses]` (pre-softmax). Both are owned by the caller.
   * @throws Error when the model has no layer of that name.
   */
  activationsAndLogits(
    x: tf.Tensor4D,
    layerName: string,
  ): { activations: tf.Tensor4D; logits: tf.Tensor2D };
  /**
   * The Dense head, for closed-form Grad-CAM: `kernel` float32 `[features, numClasses]` and
   * `bias` `[numClasses]`, plus the name of the activation that follows `layerName` before global
   * average pooling (`leakyrelu` with its alpha, or `linear`). Tensors are owned by the
   * inference model (do not dispose them).
   */
  readonly head: { kernel: tf.Tensor2D; bias: tf.Tensor1D; activation: string };
  /** How many BatchNorm layers were folded and how many conv+activation pairs were fused. */
  readonly stats: { foldedBatchNorms: number; fusedActivations: number; fallbackLayers: string[] };
  /** Free the folded weights. Further calls throw. */
  dispose(): void;
}

interface LayerLike {
  name: string;
  getClassName(): string;
  getConfig(): tf.serialization.ConfigDict;
  weights: { name: string; originalName?: string; read(): tf.Tensor }[];
  apply(x: tf.Tensor | tf.Tensor[], kwargs?: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

interface SymbolicLike {
  id: number;
  sourceLayer: LayerLike;
  inputs: SymbolicLike[];
}

function weightByName(layer: LayerLike, suffix: string): tf.Tensor | null {
  // Variable names get a `_N` suffix when several models live in one process
  // (`dense_1/kernel_1`); `originalName` keeps the Keras name.
  const re = new RegExp(`(^|/)${suffix}(_\\d+)?$`);
  const w = layer.weights.find((v) => re.test(v.originalName ?? v.name));
  return w ? w.read() : null;
}

function activationName(config: tf.serialization.ConfigDict): string {
  const a = config.activation;
  if (a === undefined || a === null) return 'linear';
  if (typeof a === 'string') return a;
  return String((a as { className?: string }).className ?? 'linear');
}

function pair(v: unknown, what: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2) return [Number(v[0]), Number(v[1])];
  throw new Error(
    `createInferenceModel: expected ${what} to be a number or a pair, got ${JSON.stringify(v)}`,
  );
}

function applyActivation(x: tf.Tensor, name: string, alpha = 0.3): tf.Tensor {
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'elu':
      return tf.elu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'softmax':
      return tf.softmax(x);
    case 'leakyrelu':
      return tf.leakyRelu(x, alpha);
    default:
      throw new Error(`createInferenceModel: activation "${name}" is not supported`);
  }
}

const FUSABLE: ReadonlySet<string> = new Set(['linear', 'relu', 'relu6', 'elu', 'sigmoid']);

/**
 * Prepare a Layers model for fast inference (BatchNorm folded into convolutions, fused
 * conv + bias + LeakyReLU kernels, no Layers overhead). The model must be a single-input,
 * single-output functional model in `channelsLast` layout.
 *
 * The folded weights are a snapshot: if the model's weights change afterwards (training), create
 * a new inference model.
 *
 * @param model The source model (not modified, not disposed).
 * @returns An {@link InferenceModel}; call its `dispose()` when done.
 * @example
 * const fast = createInferenceModel(model);
 * const probs = tf.tidy(() => fast.predict(batch)); // [n, 4]
 * fast.dispose();
 */
export function createInferenceModel(model: tf.LayersModel): InferenceModel {
  const inputShape = checkModelShape(model);
  const graph = readModelGraph(model);
  const weights = createPlanWeights(graph.outputSym);
  const plans = new Map<string, Plan>();
  const planFor = (kept: string | null): Plan => {
    const key = kept ?? '';
    let p = plans.get(key);
    if (!p) {
      p = buildPlan(graph, weights, kept);
      plans.set(key, p);
    }
    return p;
  };
  planFor(null);
  let disposed = false;
  const execute = (plan: Plan, x: tf.Tensor4D, want: number[], stopAt?: number): tf.Tensor[] => {
    tf.util.assert(!disposed, () => 'createInferenceModel: this inference model was disposed');
    return executePlan(plan, inputShape, x, want, stopAt);
  };

  const fast: InferenceModel = {
    inputShape,
    numClasses: weights.headKernel.shape[1],
    stats: weights.stats,
    head: {
      kernel: weights.headKernel,
      bias: weights.headBias,
      activation: describeHeadPath(graph.outputSym),
    },
    predict(x) {
      const p = planFor(null);
      return execute(p, x, [p.outputId])[0] as tf.Tensor2D;
    },
    logits(x) {
      const p = planFor(null);
      return execute(p, x, [p.logitsId!], p.logitsId!)[0] as tf.Tensor2D;
    },
    predictWithLogits(x) {
      const p = planFor(null);
      const [probabilities, logits] = execute(p, x, [p.outputId, p.logitsId!]);
      return { probabilities: probabilities as tf.Tensor2D, logits: logits as tf.Tensor2D };
    },
    activationsAndLogits(x, layerName) {
      const p = planFor(layerName);
      const [activations, logits] = execute(p, x, [p.keptId!, p.logitsId!], p.logitsId!);
      return { activations: activations as tf.Tensor4D, logits: logits as tf.Tensor2D };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const t of weights.owned) t.dispose();
      weights.owned.length = 0;
      weights.convCache.clear();
    },
  };
  return fast;
}

/** Check one input and one output, input `[batch, H, W, C]`; returns `[H, W, C]`. */
function checkModelShape(model: tf.LayersModel): [number, number, number] {
  tf.util.assert(
    model.inputs.length === 1 && model.outputs.length === 1,
    () =>
      `createInferenceModel: expected a model with one input and one output, got ${model.inputs.length} and ${model.outputs.length}`,
  );
  const inShape = model.inputs[0].shape;
  tf.util.assert(
    inShape.length === 4 && inShape.slice(1).every((d) => typeof d === 'number'),
    () =>
      `createInferenceModel: expected input shape [batch, H, W, C], got ${JSON.stringify(inShape)}`,
  );
  return inShape.slice(1) as [number, number, number];
}

/** The symbolic graph of a model in execution order. */
interface ModelGraph {
  inputSym: SymbolicLike;
  outputSym: SymbolicLike;
  /** Symbolic tensors in topological order (depth-first from the output). */
  order: SymbolicLike[];
  /** For a value read by exactly one layer that has it as its only input: that consumer. */
  byInput: Map<number, SymbolicLike>;
}

/** Topological order and single-consumer links of a model's symbolic tensors. */
function readModelGraph(model: tf.LayersModel): ModelGraph {
  const inputSym = model.inputs[0] as unknown as SymbolicLike;
  const outputSym = model.outputs[0] as unknown as SymbolicLike;
  const order: SymbolicLike[] = [];
  const seen = new Set<number>();
  const stack: [SymbolicLike, boolean][] = [[outputSym, false]];
  while (stack.length > 0) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    stack.push([t, true]);
    if (t.id !== inputSym.id) {
      for (let i = t.inputs.length - 1; i >= 0; i--) {
        if (!seen.has(t.inputs[i].id)) stack.push([t.inputs[i], false]);
      }
    }
  }
  const consumers = new Map<number, number>();
  for (const t of order) {
    if (t.id === inputSym.id) continue;
    for (const i of t.inputs) consumers.set(i.id, (consumers.get(i.id) ?? 0) + 1);
  }
  const byInput = new Map<number, SymbolicLike>();
  for (const t of order) {
    if (t.id === inputSym.id) continue;
    if (t.inputs.length === 1 && consumers.get(t.inputs[0].id) === 1)
      byInput.set(t.inputs[0].id, t);
  }
  return { inputSym, outputSym, order, byInput };
}

/** Weights prepared for the plans (shared by all of them, freed together) and the head. */
interface PlanWeights {
  /** Every tensor made here (kept out of callers' tidy scopes). */
  owned: tf.Tensor[];
  /** Register and keep a tensor; returns it. */
  keep<T extends tf.Tensor>(t: T): T;
  /** Prepared (folded) weights per fused group, by the covered layer names. */
  convCache: Map<string, { filter: tf.Tensor4D; bias: tf.Tensor1D }>;
  stats: { foldedBatchNorms: number; fusedActivations: number; fallbackLayers: string[] };
  headLayer: LayerLike;
  headKernel: tf.Tensor2D;
  headBias: tf.Tensor1D;
  headActivation: string;
}

/** The Dense head (the model's last layer, for logits and closed-form Grad-CAM) and the store. */
function createPlanWeights(outputSym: SymbolicLike): PlanWeights {
  const owned: tf.Tensor[] = [];
  // tf.keep: plans may be built lazily inside a caller's tf.tidy, which must not free our weights.
  const keep = <T extends tf.Tensor>(t: T): T => {
    owned.push(tf.keep(t));
    return t;
  };
  const headLayer = outputSym.sourceLayer;
  tf.util.assert(
    headLayer.getClassName() === 'Dense',
    () =>
      `createInferenceModel: expected the output layer to be Dense, got ${headLayer.getClassName()}`,
  );
  const headKernel = keep(weightByName(headLayer, 'kernel')!.clone() as tf.Tensor2D);
  const headBiasRaw = weightByName(headLayer, 'bias');
  const headBias = keep(
    (headBiasRaw ? headBiasRaw.clone() : tf.zeros([headKernel.shape[1]])) as tf.Tensor1D,
  );
  return {
    owned,
    keep,
    convCache: new Map(),
    stats: { foldedBatchNorms: 0, fusedActivations: 0, fallbackLayers: [] },
    headLayer,
    headKernel,
    headBias,
    headActivation: activationName(headLayer.getConfig()),
  };
}

/** Inference parameters of a BatchNormalization layer (missing gamma/beta: 1/0). */
function bnParams(layer: LayerLike) {
  const cfg = layer.getConfig();
  const mean = weightByName(layer, 'moving_mean')!.dataSync() as Float32Array;
  const c = mean.length;
  const gamma = weightByName(layer, 'gamma');
  const beta = weightByName(layer, 'beta');
  return {
    gamma: gamma ? (gamma.dataSync() as Float32Array) : new Float32Array(c).fill(1),
    beta: beta ? (beta.dataSync() as Float32Array) : new Float32Array(c),
    movingMean: mean,
    movingVariance: weightByName(layer, 'moving_variance')!.dataSync() as Float32Array,
    epsilon: Number(cfg.epsilon ?? 1e-3),
  };
}

function bnIsLastAxis(layer: LayerLike): boolean {
  const axis = layer.getConfig().axis;
  const a = Array.isArray(axis) ? axis : [axis];
  return a.length === 1 && (a[0] === -1 || a[0] === 3);
}

/**
 * The executable plan of a model that also keeps the output of `keptLayer` (null: none): one
 * step per layer, a convolution absorbing the BatchNorm and activation that follow it.
 * @throws Error when `keptLayer` names no layer.
 */
function buildPlan(graph: ModelGraph, weights: PlanWeights, keptLayer: string | null): Plan {
  const { inputSym, outputSym } = graph;
  const steps: Step[] = [];
  const consumed = new Set<number>(); // symbolic ids absorbed into a fused step
  let keptId: number | null = null;
  let logitsId: number | null = null;
  for (const t of graph.order) {
    if (t.id === inputSym.id || consumed.has(t.id)) continue;
    const layer = t.sourceLayer;
    const cls = layer.getClassName();
    if (cls === 'Conv2D') {
      const step = convStep(graph, weights, t, keptLayer, consumed);
      steps.push(step);
      if (step.covers.includes(keptLayer ?? '')) keptId = step.outputId;
      continue;
    }
    if (cls === 'Dense' && t.id === outputSym.id) {
      const head = headSteps(weights, t);
      steps.push(...head);
      logitsId = head[0].outputId;
      if (keptLayer === layer.name) keptId = t.id;
      continue;
    }
    const run = layerRun(weights, t);
    const inputIds = t.inputs.map((i) => i.id);
    steps.push({ layerName: layer.name, covers: [layer.name], inputIds, outputId: t.id, run });
    if (keptLayer === layer.name) keptId = t.id;
  }
  if (keptLayer !== null && keptId === null) {
    throw new Error(`createInferenceModel: the model has no layer named "${keptLayer}"`);
  }
  const lastUse = new Map<number, number>();
  steps.forEach((s, i) => s.inputIds.forEach((id) => lastUse.set(id, i)));
  return {
    steps,
    inputId: inputSym.id,
    outputId: outputSym.id,
    logitsId,
    headActivation: weights.headActivation,
    keptId,
    lastUse,
  };
}

/** A convolution and what fuses into it: a BatchNorm on the last axis, then an activation. */
interface ConvGroup {
  covers: string[];
  /** The symbolic tensor the group yields. */
  last: SymbolicLike;
  bnLayer: LayerLike | null;
  act: string;
  alpha: number;
}

/** Find the layers that fuse into the convolution `t` and mark them consumed. */
function fuseConvGroup(
  graph: ModelGraph,
  t: SymbolicLike,
  keptLayer: string | null,
  consumed: Set<number>,
): ConvGroup {
  const layer = t.sourceLayer;
  const cfg = layer.getConfig();
  const canFuseInto = (s: SymbolicLike): SymbolicLike | null => {
    if (s.sourceLayer.name === keptLayer || s.id === graph.outputSym.id) return null;
    return graph.byInput.get(s.id) ?? null;
  };
  const covers = [layer.name];
  let last = t;
  const absorb = (s: SymbolicLike): void => {
    covers.push(s.sourceLayer.name);
    consumed.add(s.id);
    last = s;
  };
  let bnLayer: LayerLike | null = null;
  let act = activationName(cfg);
  let alpha = 0.3;
  const bnNext = act === 'linear' ? canFuseInto(t) : null;
  if (
    bnNext &&
    bnNext.sourceLayer.getClassName() === 'BatchNormalization' &&
    bnIsLastAxis(bnNext.sourceLayer)
  ) {
    bnLayer = bnNext.sourceLayer;
    absorb(bnNext);
  }
  if (act === 'linear') {
    const actNext = canFuseInto(last);
    const actCls = actNext?.sourceLayer.getClassName();
    if (actNext && (actCls === 'LeakyReLU' || actCls === 'ReLU')) {
      const acfg = actNext.sourceLayer.getConfig();
      if (actCls === 'LeakyReLU') {
        act = 'leakyrelu';
        alpha = Number(acfg.alpha ?? 0.3);
      } else if (acfg.maxValue == null && !acfg.negativeSlope && !acfg.threshold) {
        act = 'relu';
      }
      if (act !== 'linear') absorb(actNext);
    } else if (actNext && actCls === 'Activation') {
      const a = activationName(actNext.sourceLayer.getConfig());
      if (FUSABLE.has(a)) {
        act = a;
        absorb(actNext);
      }
    }
  }
  return { covers, last, bnLayer, act, alpha };
}

/** Filter and bias of a fused group (BatchNorm folded in), prepared once and cached. */
function convWeights(
  weights: PlanWeights,
  layer: LayerLike,
  group: ConvGroup,
): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
  const key = group.covers.join('+');
  const cached = weights.convCache.get(key);
  if (cached) return cached;
  const { keep, stats } = weights;
  const kernel = weightByName(layer, 'kernel')!;
  const bias = weightByName(layer, 'bias');
  let prepared: { filter: tf.Tensor4D; bias: tf.Tensor1D };
  if (group.bnLayer) {
    const folded = foldBatchNorm(
      kernel.dataSync() as Float32Array,
      bias ? (bias.dataSync() as Float32Array) : null,
      bnParams(group.bnLayer),
    );
    prepared = {
      filter: keep(tf.tensor4d(folded.kernel, kernel.shape as [number, number, number, number])),
      bias: keep(tf.tensor1d(folded.bias)),
    };
  } else {
    const c = kernel.shape[3]!;
    prepared = {
      filter: keep(kernel.clone() as tf.Tensor4D),
      bias: keep((bias ? bias.clone() : tf.zeros([c])) as tf.Tensor1D),
    };
  }
  weights.convCache.set(key, prepared);
  if (group.bnLayer) stats.foldedBatchNorms++;
  if (group.act !== 'linear' && group.act !== activationName(layer.getConfig())) {
    stats.fusedActivations++;
  }
  return prepared;
}

/** The fused step of the convolution `t` (one `tf.fused.conv2d`). */
function convStep(
  graph: ModelGraph,
  weights: PlanWeights,
  t: SymbolicLike,
  keptLayer: string | null,
  consumed: Set<number>,
): Step {
  const layer = t.sourceLayer;
  const cfg = layer.getConfig();
  tf.util.assert(
    (cfg.dataFormat ?? 'channelsLast') === 'channelsLast',
    () =>
      `createInferenceModel: ${layer.name}: expected channelsLast, got ${String(cfg.dataFormat)}`,
  );
  const group = fuseConvGroup(graph, t, keptLayer, consumed);
  const w = convWeights(weights, layer, group);
  const strides = pair(cfg.strides ?? 1, 'strides');
  const dilations = pair(cfg.dilationRate ?? 1, 'dilationRate');
  const pad = cfg.padding as 'same' | 'valid';
  const activation = group.act as Activation;
  const alpha = group.alpha;
  return {
    layerName: group.last.sourceLayer.name,
    covers: group.covers,
    inputIds: t.inputs.map((i) => i.id),
    outputId: group.last.id,
    run: ([x]) =>
      tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: w.filter,
        bias: w.bias,
        strides,
        pad,
        dilations,
        activation,
        leakyreluAlpha: alpha,
      }),
  };
}

/** The Dense head split in two steps: logits as their own (virtual, id −1) value, then the activation. */
function headSteps(weights: PlanWeights, t: SymbolicLike): [Step, Step] {
  const layer = t.sourceLayer;
  const { headKernel: kernel, headBias: bias } = weights;
  const a = activationName(layer.getConfig());
  const logitsVirtual = -1;
  return [
    {
      layerName: `${layer.name}/logits`,
      covers: [],
      inputIds: t.inputs.map((i) => i.id),
      outputId: logitsVirtual,
      run: ([x]) => tf.fused.matMul({ a: x as tf.Tensor2D, b: kernel, bias }),
    },
    {
      layerName: layer.name,
      covers: [layer.name],
      inputIds: [logitsVirtual],
      outputId: t.id,
      run: ([z]) => applyActivation(z, a),
    },
  ];
}

/** How one (non-fused) layer runs; unknown kinds run through `layer.apply`. */
function layerRun(weights: PlanWeights, t: SymbolicLike): (inputs: tf.Tensor[]) => tf.Tensor {
  const layer = t.sourceLayer;
  const cls = layer.getClassName();
  const cfg = layer.getConfig();
  const { keep } = weights;
  switch (cls) {
    case 'BatchNormalization': {
      const p = bnParams(layer);
      tf.util.assert(
        bnIsLastAxis(layer),
        () => `createInferenceModel: ${layer.name}: expected BatchNorm on the last axis`,
      );
      const scale = new Float32Array(p.gamma.length);
      const shift = new Float32Array(p.gamma.length);
      for (let k = 0; k < scale.length; k++) {
        const s = p.gamma[k] / Math.sqrt(p.movingVariance[k] + p.epsilon);
        scale[k] = s;
        shift[k] = p.beta[k] - p.movingMean[k] * s;
      }
      const sT = keep(tf.tensor1d(scale));
      const bT = keep(tf.tensor1d(shift));
      return ([x]) => tf.add(tf.mul(x, sT), bT);
    }
    case 'LeakyReLU': {
      const alpha = Number(cfg.alpha ?? 0.3);
      return ([x]) => tf.leakyRelu(x, alpha);
    }
    case 'Activation': {
      const a = activationName(cfg);
      return ([x]) => applyActivation(x, a);
    }
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const poolSize = pair(cfg.poolSize, 'poolSize');
      const strides = pair(cfg.strides ?? cfg.poolSize, 'strides');
      const pad = cfg.padding as 'same' | 'valid';
      tf.util.assert(
        (cfg.dataFormat ?? 'channelsLast') === 'channelsLast',
        () => `createInferenceModel: ${layer.name}: expected channelsLast`,
      );
      return cls === 'MaxPooling2D'
        ? ([x]) => tf.maxPool(x as tf.Tensor4D, poolSize, strides, pad)
        : ([x]) => tf.avgPool(x as tf.Tensor4D, poolSize, strides, pad);
    }
    case 'Add':
      return (xs) => (xs.length === 2 ? tf.add(xs[0], xs[1]) : tf.addN(xs));
    case 'Dropout':
    case 'SpatialDropout2D':
    case 'GaussianNoise':
    case 'GaussianDropout':
    case 'AlphaDropout':
      return ([x]) => x;
    case 'GlobalAveragePooling2D':
      return ([x]) => tf.mean(x, [1, 2]);
    case 'Flatten':
      return ([x]) => tf.reshape(x, [x.shape[0], -1]);
    case 'Dense': {
      const isHead = layer === weights.headLayer;
      const kernel = isHead
        ? weights.headKernel
        : keep(weightByName(layer, 'kernel')!.clone() as tf.Tensor2D);
      const b = weightByName(layer, 'bias');
      const bias = isHead ? weights.headBias : b ? keep(b.clone() as tf.Tensor1D) : undefined;
      const a = activationName(cfg);
      return ([x]) => applyActivation(tf.fused.matMul({ a: x as tf.Tensor2D, b: kernel, bias }), a);
    }
    default: {
      if (!weights.stats.fallbackLayers.includes(layer.name)) {
        weights.stats.fallbackLayers.push(layer.name);
      }
      return (xs) => layer.apply(xs.length === 1 ? xs[0] : xs, { training: false }) as tf.Tensor;
    }
  }
}

/**
 * Run a plan in one tidy scope, disposing every value after its last reader; returns the
 * requested values (new tensors owned by the caller), stopping after `stopAt` when given.
 */
function executePlan(
  plan: Plan,
  inputShape: [number, number, number],
  x: tf.Tensor4D,
  want: number[],
  stopAt?: number,
): tf.Tensor[] {
  tf.util.assert(
    x.rank === 4 && x.shape[3] === inputShape[2],
    () => `expected input [batch, H, W, ${inputShape[2]}], got [${x.shape}]`,
  );
  tf.util.assert(x.dtype === 'float32', () => `expected a float32 input, got ${x.dtype}`);
  const values = new Map<number, tf.Tensor>([[plan.inputId, x]]);
  const wanted = new Set(want);
  const out: tf.Tensor[] = [];
  tf.tidy(() => {
    for (let i = 0; i < plan.steps.length; i++) {
      const step = plan.steps[i];
      const ins = step.inputIds.map((id) => values.get(id)!);
      const y = step.run(ins);
      values.set(step.outputId, y);
      for (const id of new Set(step.inputIds)) {
        if (plan.lastUse.get(id) !== i || id === plan.inputId || wanted.has(id)) continue;
        const v = values.get(id)!;
        values.delete(id);
        if (v !== y) v.dispose();
      }
      if (stopAt !== undefined && step.outputId === stopAt) break;
    }
    for (const id of want) {
      const v = values.get(id)!;
      out.push(v === x ? v.clone() : v);
    }
    return out;
  });
  return out;
}

/**
 * Describe the element-wise activation between the last Add/conv output and global average
 * pooling, e.g. `leakyrelu:0.3` for the breast-density ResNet, `linear` when there is none.
 */
function describeHeadPath(outputSym: SymbolicLike): string {
  let t = outputSym.inputs[0];
  const acts: string[] = [];
  while (t && t.sourceLayer) {
    const cls = t.sourceLayer.getClassName();
    if (cls === 'GlobalAveragePooling2D' || cls === 'Dropout' || cls === 'Flatten') {
      t = t.inputs[0];
      continue;
    }
    if (cls === 'LeakyReLU')
      acts.push(`leakyrelu:${Number(t.sourceLayer.getConfig().alpha ?? 0.3)}`);
    else if (cls === 'ReLU') acts.push('relu');
    break;
  }
  return acts[0] ?? 'linear';
}
