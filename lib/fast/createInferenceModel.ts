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
  tf.util.assert(
    model.inputs.length === 1 && model.outputs.length === 1,
    () =>
      `createInferenceModel: expected a model with one input and one output, got ${model.inputs.length} and ${model.outputs.length}`,
  );
  const inputSym = model.inputs[0] as unknown as SymbolicLike;
  const outputSym = model.outputs[0] as unknown as SymbolicLike;
  const inShape = model.inputs[0].shape;
  tf.util.assert(
    inShape.length === 4 && inShape.slice(1).every((d) => typeof d === 'number'),
    () =>
      `createInferenceModel: expected input shape [batch, H, W, C], got ${JSON.stringify(inShape)}`,
  );
  const inputShape = inShape.slice(1) as [number, number, number];

  // Topological order of symbolic tensors (depth-first from the output).
  const order: SymbolicLike[] = [];
  const seen = new Set<number>();
  const visit = (s: SymbolicLike): void => {
    const stack: [SymbolicLike, boolean][] = [[s, false]];
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
  };
  visit(outputSym);
  const consumers = new Map<number, number>();
  for (const t of order) {
    if (t.id === inputSym.id) continue;
    for (const i of t.inputs) consumers.set(i.id, (consumers.get(i.id) ?? 0) + 1);
  }
  const byInput = new Map<number, SymbolicLike>(); // single consumer lookup
  for (const t of order) {
    if (t.id === inputSym.id) continue;
    if (t.inputs.length === 1 && consumers.get(t.inputs[0].id) === 1)
      byInput.set(t.inputs[0].id, t);
  }

  const owned: tf.Tensor[] = [];
  // tf.keep: plans may be built lazily inside a caller's tf.tidy, which must not free our weights.
  const keep = <T extends tf.Tensor>(t: T): T => {
    owned.push(tf.keep(t));
    return t;
  };
  const stats = { foldedBatchNorms: 0, fusedActivations: 0, fallbackLayers: [] as string[] };

  // Dense head (the model's last layer) for logits and closed-form Grad-CAM.
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
  const headActivation = activationName(headLayer.getConfig());

  const bnParams = (layer: LayerLike) => {
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
  };
  const bnIsLastAxis = (layer: LayerLike): boolean => {
    const axis = layer.getConfig().axis;
    const a = Array.isArray(axis) ? axis : [axis];
    return a.length === 1 && (a[0] === -1 || a[0] === 3);
  };

  // Prepared (folded) weights per fused group, shared by all plans.
  const convCache = new Map<string, { filter: tf.Tensor4D; bias: tf.Tensor1D }>();

  function buildPlan(keptLayer: string | null): Plan {
    const steps: Step[] = [];
    const consumed = new Set<number>(); // symbolic ids absorbed into a fused step
    let keptId: number | null = null;
    let logitsId: number | null = null;
    let nextVirtualId = -1;
    for (const t of order) {
      if (t.id === inputSym.id || consumed.has(t.id)) continue;
      const layer = t.sourceLayer;
      const cls = layer.getClassName();
      const cfg = layer.getConfig();
      const inputIds = t.inputs.map((i) => i.id);
      const canFuseInto = (s: SymbolicLike): SymbolicLike | null => {
        if (s.sourceLayer.name === keptLayer || s.id === outputSym.id) return null;
        return byInput.get(s.id) ?? null;
      };
      if (cls === 'Conv2D') {
        tf.util.assert(
          (cfg.dataFormat ?? 'channelsLast') === 'channelsLast',
          () =>
            `createInferenceModel: ${layer.name}: expected channelsLast, got ${String(cfg.dataFormat)}`,
        );
        const covers = [layer.name];
        let last = t;
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
          covers.push(bnLayer.name);
          consumed.add(bnNext.id);
          last = bnNext;
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
            if (act !== 'linear') {
              covers.push(actNext.sourceLayer.name);
              consumed.add(actNext.id);
              last = actNext;
            }
          } else if (actNext && actCls === 'Activation') {
            const a = activationName(actNext.sourceLayer.getConfig());
            if (FUSABLE.has(a)) {
              act = a;
              covers.push(actNext.sourceLayer.name);
              consumed.add(actNext.id);
              last = actNext;
            }
          }
        }
        const key = covers.join('+');
        let weights = convCache.get(key);
        if (!weights) {
          const kernel = weightByName(layer, 'kernel')!;
          const bias = weightByName(layer, 'bias');
          if (bnLayer) {
            const folded = foldBatchNorm(
              kernel.dataSync() as Float32Array,
              bias ? (bias.dataSync() as Float32Array) : null,
              bnParams(bnLayer),
            );
            weights = {
              filter: keep(
                tf.tensor4d(folded.kernel, kernel.shape as [number, number, number, number]),
              ),
              bias: keep(tf.tensor1d(folded.bias)),
            };
          } else {
            const c = kernel.shape[3]!;
            weights = {
              filter: keep(kernel.clone() as tf.Tensor4D),
              bias: keep((bias ? bias.clone() : tf.zeros([c])) as tf.Tensor1D),
            };
          }
          convCache.set(key, weights);
          if (bnLayer) stats.foldedBatchNorms++;
          if (act !== 'linear' && act !== activationName(cfg)) stats.fusedActivations++;
        }
        const w = weights;
        const strides = pair(cfg.strides ?? 1, 'strides');
        const dilations = pair(cfg.dilationRate ?? 1, 'dilationRate');
        const pad = cfg.padding as 'same' | 'valid';
        const activation = act as Activation;
        steps.push({
          layerName: last.sourceLayer.name,
          covers,
          inputIds,
          outputId: last.id,
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
        });
        if (covers.includes(keptLayer ?? '')) keptId = last.id;
        continue;
      }
      let run: (inputs: tf.Tensor[]) => tf.Tensor;
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
          run = ([x]) => tf.add(tf.mul(x, sT), bT);
          break;
        }
        case 'LeakyReLU': {
          const alpha = Number(cfg.alpha ?? 0.3);
          run = ([x]) => tf.leakyRelu(x, alpha);
          break;
        }
        case 'Activation': {
          const a = activationName(cfg);
          run = ([x]) => applyActivation(x, a);
          break;
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
          run =
            cls === 'MaxPooling2D'
              ? ([x]) => tf.maxPool(x as tf.Tensor4D, poolSize, strides, pad)
              : ([x]) => tf.avgPool(x as tf.Tensor4D, poolSize, strides, pad);
          break;
        }
        case 'Add':
          run = (xs) => (xs.length === 2 ? tf.add(xs[0], xs[1]) : tf.addN(xs));
          break;
        case 'Dropout':
        case 'SpatialDropout2D':
        case 'GaussianNoise':
        case 'GaussianDropout':
        case 'AlphaDropout':
          run = ([x]) => x;
          break;
        case 'GlobalAveragePooling2D':
          run = ([x]) => tf.mean(x, [1, 2]);
          break;
        case 'Flatten':
          run = ([x]) => tf.reshape(x, [x.shape[0], -1]);
          break;
        case 'Dense': {
          const isHead = layer === headLayer;
          const kernel = isHead
            ? headKernel
            : keep(weightByName(layer, 'kernel')!.clone() as tf.Tensor2D);
          const b = weightByName(layer, 'bias');
          const bias = isHead ? headBias : b ? keep(b.clone() as tf.Tensor1D) : undefined;
          const a = activationName(cfg);
          if (t.id === outputSym.id) {
            // Split the head: logits as their own value, then the activation.
            const logitsVirtual = nextVirtualId--;
            logitsId = logitsVirtual;
            steps.push({
              layerName: `${layer.name}/logits`,
              covers: [],
              inputIds,
              outputId: logitsVirtual,
              run: ([x]) => tf.fused.matMul({ a: x as tf.Tensor2D, b: kernel, bias }),
            });
            steps.push({
              layerName: layer.name,
              covers: [layer.name],
              inputIds: [logitsVirtual],
              outputId: t.id,
              run: ([z]) => applyActivation(z, a),
            });
            if (keptLayer === layer.name) keptId = t.id;
            continue;
          }
          run = ([x]) =>
            applyActivation(tf.fused.matMul({ a: x as tf.Tensor2D, b: kernel, bias }), a);
          break;
        }
        default: {
          if (!stats.fallbackLayers.includes(layer.name)) stats.fallbackLayers.push(layer.name);
          run = (xs) => layer.apply(xs.length === 1 ? xs[0] : xs, { training: false }) as tf.Tensor;
        }
      }
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
      headActivation,
      keptId,
      lastUse,
    };
  }

  const plans = new Map<string, Plan>();
  const planFor = (kept: string | null): Plan => {
    const key = kept ?? '';
    let p = plans.get(key);
    if (!p) {
      p = buildPlan(kept);
      plans.set(key, p);
    }
    return p;
  };
  planFor(null);
  let disposed = false;

  /** Run a plan; returns the requested values (new tensors, everything else disposed). */
  const execute = (plan: Plan, x: tf.Tensor4D, want: number[], stopAt?: number): tf.Tensor[] => {
    tf.util.assert(!disposed, () => 'createInferenceModel: this inference model was disposed');
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
  };

  const fast: InferenceModel = {
    inputShape,
    numClasses: headKernel.shape[1],
    stats,
    head: { kernel: headKernel, bias: headBias, activation: describeHeadPath(outputSym) },
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
      for (const t of owned) t.dispose();
      owned.length = 0;
      convCache.clear();
    },
  };
  return fast;
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
