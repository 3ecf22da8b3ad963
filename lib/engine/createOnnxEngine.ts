/**
 * The ONNX Runtime engine: the density model exported to ONNX by the project
 * (`buildInferenceGraph`, BatchNorm folded) and run by `onnxruntime-node` — CPU here, CUDA where
 * its provider is installed. Sessions are created on first use for each set of outputs (plain
 * forward; forward + layer activations; the map graph of a layer, `buildCamGradientGraph`) and
 * reused for every later batch.
 */
import type * as tf from '@tensorflow/tfjs';
import type * as Ort from 'onnxruntime-node';
import { buildCamGradientGraph, CAM_GRAPH_NAMES } from '../onnx/buildCamGradientGraph';
import { buildInferenceGraph } from '../onnx/buildInferenceGraph';
import type { DescribedGraph } from '../onnx/describeDensityNetwork';
import { encodeOnnxModel } from '../onnx/encodeOnnxModel';
import type { DensityEngine, EngineForward, EngineGradients, EngineTensor } from './densityEngine';
import { checkEngineInput } from './checkEngineInput';
import { loadOnnxRuntime, type OnnxRuntime } from './loadOnnxRuntime';

/** Options of {@link createOnnxEngine}. */
export interface OnnxEngineOptions {
  /** A loaded runtime (default: `loadOnnxRuntime()`). */
  runtime?: OnnxRuntime;
}

function tensorOf(t: Ort.Tensor): EngineTensor {
  return { data: t.data as Float32Array, shape: t.dims.map(Number) };
}

/**
 * Create the ONNX Runtime engine of a model.
 * @param model Density model; its weights are copied into the ONNX graphs (the model is not kept:
 *   later changes to its weights are not seen — create a new engine after training).
 * @param options A loaded runtime.
 * @returns The engine; the caller calls `dispose()`.
 * @throws Error when the model has a layer the export does not support, or the runtime cannot load.
 */
export async function createOnnxEngine(
  model: tf.LayersModel,
  options: OnnxEngineOptions = {},
): Promise<DensityEngine> {
  const runtime = options.runtime ?? loadOnnxRuntime();
  const { ort } = runtime;
  const base = buildInferenceGraph(model);
  const [, h, w, c] = base.inputs[0].shape as number[];
  const inputShape: [number, number, number] = [h, w, c];
  const inputLayer = base.inputs[0].name;
  const numClasses = base.valueShapes.logits[1];
  const sessions = new Map<string, Promise<Ort.InferenceSession>>();
  let disposed = false;
  const sessionOptions = sessionOptionsFor(runtime);
  const session = (key: string, build: () => DescribedGraph): Promise<Ort.InferenceSession> => {
    if (disposed) throw new Error('engine: used after dispose()');
    let s = sessions.get(key);
    if (!s) {
      s = ort.InferenceSession.create(encodeOnnxModel(build()), sessionOptions);
      sessions.set(key, s);
    }
    return s;
  };
  const feedImages = (input: Float32Array, batch: number) =>
    new ort.Tensor('float32', input, [batch, h, w, c]);

  const forward = async (
    input: Float32Array,
    batch: number,
    layers: readonly string[] = [],
  ): Promise<EngineForward> => {
    checkEngineInput(input, batch, inputShape);
    const key = `forward:${layers.join(',')}`;
    const s = await session(key, () =>
      layers.length === 0 ? base : buildInferenceGraph(model, { layers, nhwc: true }),
    );
    const out = await s.run({ [inputLayer]: feedImages(input, batch) });
    const activations: Record<string, EngineTensor> = {};
    for (const l of layers) activations[l] = tensorOf(out[`${l}_nhwc`]);
    return {
      logits: out.logits.data as Float32Array,
      probabilities: out.probabilities.data as Float32Array,
      activations,
    };
  };

  const gradients = async (
    input: Float32Array,
    batch: number,
    layer: string,
    targets: readonly number[],
  ): Promise<EngineGradients> => {
    checkEngineInput(input, batch, inputShape);
    checkTargets(targets, batch, numClasses);
    const s = await session(`cam:${layer}`, () => buildCamGradientGraph(model, layer));
    const out = await s.run({
      [inputLayer]: feedImages(input, batch),
      [CAM_GRAPH_NAMES.targets]: new ort.Tensor('int64', BigInt64Array.from(targets.map(BigInt)), [
        batch,
      ]),
    });
    const logits = out.logits.data as Float32Array;
    const predicted = argmaxOfRows(logits, batch, numClasses);
    return {
      activations: layer === inputLayer ? null : tensorOf(out[CAM_GRAPH_NAMES.activations]),
      gradients: tensorOf(out[CAM_GRAPH_NAMES.gradients]),
      logits,
      targets: Array.from(out[CAM_GRAPH_NAMES.resolvedTargets].data as BigInt64Array, Number),
      predicted,
    };
  };

  return {
    kind: 'onnx',
    description: `ONNX Runtime ${runtime.version} (${runtime.providers[0]}, ${runtime.threads} thread${runtime.threads === 1 ? '' : 's'})`,
    inputShape,
    numClasses,
    inputLayer,
    get openSessions() {
      return sessions.size;
    },
    forward,
    gradients,
    async dispose() {
      if (disposed) return;
      disposed = true;
      const all = [...sessions.values()];
      sessions.clear();
      for (const s of all) await (await s).release();
    },
  };
}

/** Session options: the runtime's providers and intra-op threads, sequential, full optimisation. */
function sessionOptionsFor(runtime: OnnxRuntime): Ort.InferenceSession.SessionOptions {
  return {
    executionProviders: runtime.providers,
    intraOpNumThreads: runtime.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  };
}

/** One target per image: a class index, or −1 for the predicted class. */
function checkTargets(targets: readonly number[], batch: number, numClasses: number): void {
  if (
    targets.length !== batch ||
    !targets.every((t) => Number.isInteger(t) && t >= -1 && t < numClasses)
  ) {
    throw new Error(
      `engine: expected ${batch} targets in -1…${numClasses - 1}, got [${targets.join(', ')}]`,
    );
  }
}

/** Index of the largest value of each row of a row-major `[batch, numClasses]` array (first on ties). */
function argmaxOfRows(values: Float32Array, batch: number, numClasses: number): number[] {
  return Array.from({ length: batch }, (_, b) => {
    let best = 0;
    for (let k = 1; k < numClasses; k++)
      if (values[b * numClasses + k] > values[b * numClasses + best]) best = k;
    return best;
  });
}
