/**
 * An ONNX Runtime session running the training-step graph of a density model
 * ({@link buildTrainingGraph}): one `run` is a forward pass in training mode, the loss and the
 * gradient of every parameter. The weights are inputs, so one session serves every step.
 *
 * Session options: every core as intra-op threads, graph optimisation level `all`, sequential
 * execution, the CPU execution provider.
 */
import * as os from 'os';
import type * as Ort from 'onnxruntime-common';
import type * as tf from '@tensorflow/tfjs';
import { describeDensityNetwork } from '../onnx/describeDensityNetwork';
import { buildTrainingGraph, type TrainingGraph } from '../onnx/buildTrainingGraph';
import { encodeOnnxModel } from '../onnx/encodeOnnxModel';

/** What one training step returns (new arrays; the caller owns them). */
export interface OnnxStepResult {
  /** Mean Keras categorical cross-entropy of the batch. */
  loss: number;
  /** Softmax probabilities, row-major `[N, K]`. */
  probabilities: Float32Array;
  /** ∂loss/∂parameter, ONNX layout, in `graph.parameters` order. */
  gradients: Float32Array[];
  /** Per BN layer (graph order): batch mean and biased batch variance, `[C]`. */
  batchMeans: Float32Array[];
  batchVariances: Float32Array[];
}

/** Inputs of one step. */
export interface OnnxStepInputs {
  /** Preprocessed images, row-major NHWC `[N, H, W, 3]`. */
  images: Float32Array;
  /** Labels `[N, K]` (one-hot). */
  labels: Float32Array;
  /** One mask per `graph.masks` entry, NCHW `[N, C, H, W]`, values 0 or 1/(1−rate). */
  masks: Float32Array[];
  /** Parameter values in `graph.parameters` order, ONNX layout. */
  parameters: readonly Float32Array[];
}

/** A training session; {@link OnnxTrainingSession.release} frees it. */
export interface OnnxTrainingSession {
  readonly graph: TrainingGraph;
  /** Input size `[H, W]` and classes K. */
  readonly inputSize: [number, number];
  readonly classes: number;
  run(inputs: OnnxStepInputs): Promise<OnnxStepResult>;
  release(): Promise<void>;
}

/** Options of {@link createOnnxTrainingSession}. */
export interface OnnxTrainingSessionOptions {
  /** Intra-op threads; default the number of CPUs. */
  threads?: number;
}

/** The array itself when it is a Float32Array of this realm, else a copy (TF.js cpu arrays). */
const f32 = (a: ArrayLike<number>): Float32Array =>
  a instanceof Float32Array ? a : Float32Array.from(a);

/** Load onnxruntime-node (lazily, so importing this module costs nothing). */
async function loadOrt(): Promise<typeof Ort> {
  return (await import('onnxruntime-node')) as unknown as typeof Ort;
}

/**
 * Build the training graph of `model` and open an ONNX Runtime session on it.
 * @param model A density model (read once for its structure; its weights are fed per step).
 * @returns The session; the caller releases it.
 */
export async function createOnnxTrainingSession(
  model: tf.LayersModel,
  options: OnnxTrainingSessionOptions = {},
): Promise<OnnxTrainingSession> {
  const ort = await loadOrt();
  const graph = buildTrainingGraph(describeDensityNetwork(model));
  const [, h, w] = model.inputs[0].shape as number[];
  const classes = Number(model.outputs[0].shape[1]);
  const session = await ort.InferenceSession.create(encodeOnnxModel(graph.graph), {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads:
      options.threads ?? Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
    interOpNumThreads: 1,
  });
  const fetches = [
    graph.loss,
    graph.probabilities,
    ...graph.parameters.map((p) => p.gradient),
    ...graph.batchStatistics.flatMap((s) => [s.mean, s.variance]),
  ];
  const run = async (inputs: OnnxStepInputs): Promise<OnnxStepResult> => {
    const n = inputs.labels.length / classes;
    if (!Number.isInteger(n) || n < 1 || inputs.images.length !== n * h * w * 3) {
      throw new Error(
        `OnnxTrainingSession.run: expected images [N, ${h}, ${w}, 3] and labels [N, ${classes}], got ${inputs.images.length} and ${inputs.labels.length} values`,
      );
    }
    const feeds: Record<string, Ort.Tensor> = {
      input_1: new ort.Tensor('float32', f32(inputs.images), [n, h, w, 3]),
      labels: new ort.Tensor('float32', f32(inputs.labels), [n, classes]),
    };
    graph.masks.forEach((m, i) => {
      feeds[m.name] = new ort.Tensor('float32', f32(inputs.masks[i]), [n, ...m.shape.slice(1)]);
    });
    graph.parameters.forEach((p, i) => {
      feeds[p.name] = new ort.Tensor('float32', f32(inputs.parameters[i]), p.shape);
    });
    const out = await session.run(feeds, fetches);
    const data = (name: string): Float32Array => out[name].data as Float32Array;
    try {
      return {
        loss: data(graph.loss)[0],
        probabilities: data(graph.probabilities),
        gradients: graph.parameters.map((p) => data(p.gradient)),
        batchMeans: graph.batchStatistics.map((s) => data(s.mean)),
        batchVariances: graph.batchStatistics.map((s) => data(s.variance)),
      };
    } finally {
      for (const t of [...Object.values(feeds), ...Object.values(out)]) t.dispose();
    }
  };
  return {
    graph,
    inputSize: [h, w],
    classes,
    run,
    release: () => session.release(),
  };
}
