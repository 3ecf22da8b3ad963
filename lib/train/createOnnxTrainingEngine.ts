/**
 * The ONNX Runtime training engine: each step runs the generated training-step graph
 * ({@link createOnnxTrainingSession}: training-mode forward, loss, every parameter gradient) and
 * updates the parameters in TypeScript with Keras's optimisers ({@link createKerasOptimizer}).
 *
 * State kept here, in the graph's ONNX layout: the parameters, the optimiser slots and the BN
 * moving statistics, updated after every step as TF.js does
 * (moving ← moving − (moving − batch)·(1 − momentum), momentum 0.99, biased batch variance).
 * `syncModel` writes them into the TF.js model.
 *
 * Dropout: the masks come from {@link createDropoutMasks} (the project's seeded generator, position
 * saved in checkpoints), the same stream as the TF.js engine's.
 */
import * as tf from '@tensorflow/tfjs';
import { createDropoutMasks } from './createDropoutMasks';
import type { OptimizerName } from './createOptimizer';
import { createKerasOptimizer, type KerasOptimizer } from './createKerasOptimizer';
import { createOnnxTrainingSession, type OnnxTrainingSession } from './createOnnxTrainingSession';
import { bindDensityParameters, type DensityParameterBinding } from './densityParameterBinding';
import type { NamedOptimizerWeight, TrainingEngine } from './trainingEngine';

/** Options of {@link createOnnxTrainingEngine}. */
export interface OnnxTrainingEngineOptions {
  optimizer: OptimizerName;
  learningRate: number;
  /** Seed of the dropout masks. */
  seed: number;
  /** Intra-op threads (default: every CPU). */
  threads?: number;
}

/** Index of the largest value of each row (first one on ties, as `tf.argMax`). */
function argMaxRows(values: Float32Array, k: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < values.length / k; r++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (values[r * k + j] > values[r * k + best]) best = j;
    out.push(best);
  }
  return out;
}

/** Optimiser slots ↔ TF.js optimiser weights (names, order, layout; see `getWeights`). */
function toTfjsWeights(opt: KerasOptimizer, bind: DensityParameterBinding): NamedOptimizerWeight[] {
  const { iterations, slots } = opt.state();
  const names = bind.parameters.map((p) => (p.variable.read() as tf.Variable).name);
  const shapes = bind.parameters.map((p) => p.variable.shape as number[]);
  const list = (suffix: string, arrays: Float32Array[], f = (a: Float32Array) => a) =>
    arrays.map((a, i) => ({
      name: `${names[i]}/${suffix}`,
      tensor: tf.tensor(bind.toTfjs(i, f(a)), shapes[i]),
    }));
  const iter = { name: 'iter', tensor: tf.scalar(iterations, 'int32') };
  switch (opt.name) {
    case 'sgd':
      return [iter];
    case 'sgd-nesterov':
      // TF.js keeps an lr-free accumulation: acc = −v / lr.
      return [iter, ...list('momentum', slots.v, (v) => v.map((x) => -x / opt.learningRate))];
    case 'rmsprop':
      return [
        iter,
        ...list('rms', slots.a),
        ...list('momentum', slots.a, (a) => new Float32Array(a.length)),
      ];
    case 'adam':
      return [iter, ...list('m', slots.m), ...list('v', slots.v)];
  }
}

function fromTfjsWeights(
  opt: KerasOptimizer,
  bind: DensityParameterBinding,
  weights: NamedOptimizerWeight[],
): void {
  const [iter, ...rest] = weights;
  const p = bind.parameters.length;
  const arrays = rest.map((w, k) =>
    bind.fromTfjs(k % p, Float32Array.from(w.tensor.dataSync() as Float32Array)),
  );
  const part = (k: number) => arrays.slice(k * p, (k + 1) * p);
  const expected = { sgd: 0, 'sgd-nesterov': p, rmsprop: 2 * p, adam: 2 * p }[opt.name];
  if (iter?.name !== 'iter' || rest.length !== expected) {
    throw new Error(
      `optimizer state: expected iter and ${expected} ${opt.name} slots, got ${weights.length} weights`,
    );
  }
  const slots: Record<string, Float32Array[]> =
    opt.name === 'sgd-nesterov'
      ? { v: part(0).map((a) => a.map((x) => -x * opt.learningRate)) }
      : opt.name === 'rmsprop'
        ? { a: part(0) }
        : opt.name === 'adam'
          ? { m: part(0), v: part(1) }
          : {};
  opt.setState({ iterations: iter.tensor.dataSync()[0], slots });
}

/** Moving statistics of the BN layers of a session's graph, bound to the model's variables. */
function bindMovingStatistics(model: tf.LayersModel, session: OnnxTrainingSession) {
  const stats = session.graph.batchStatistics;
  const channels = (layer: string) => Number(model.getLayer(layer).getWeights()[0].shape[0]);
  const bind = bindDensityParameters(
    model,
    stats.flatMap((s) => [
      { name: `${s.layer}/moving_mean`, shape: [channels(s.layer)] },
      { name: `${s.layer}/moving_variance`, shape: [channels(s.layer)] },
    ]),
  );
  const momenta = stats.map((s) => Number(model.getLayer(s.layer).getConfig().momentum ?? 0.99));
  return { bind, momenta };
}

/**
 * Create the ONNX Runtime engine for `model` (trained in place; kept by the caller).
 * @returns The engine; `dispose()` releases its session.
 * @throws Error when onnxruntime-node cannot load or the session cannot be created.
 */
export async function createOnnxTrainingEngine(
  model: tf.LayersModel,
  options: OnnxTrainingEngineOptions,
): Promise<TrainingEngine> {
  const session = await createOnnxTrainingSession(model, { threads: options.threads });
  const bind = bindDensityParameters(model, session.graph.parameters);
  const moving = bindMovingStatistics(model, session);
  let params = bind.read();
  let stats = moving.bind.read();
  const opt = createKerasOptimizer(
    options.optimizer,
    params.map((p) => p.length),
    { learningRate: options.learningRate },
  );
  const dropout = createDropoutMasks(options.seed);
  const k = session.classes;
  return {
    name: 'onnx',
    description: `onnx (onnxruntime-node CPU, training-step graph of ${session.graph.graph.nodes.length} nodes)`,
    async trainStep(xs, ys) {
      const labels = ys.dataSync() as Float32Array;
      const n = labels.length / k;
      const r = await session.run({
        images: xs.dataSync() as Float32Array,
        labels,
        masks: session.graph.masks.map((m) => dropout.draw(n, m.shape, m.rate)),
        parameters: params,
      });
      opt.step(params, r.gradients);
      moving.momenta.forEach((momentum, j) => {
        const decay = 1 - momentum;
        for (const [slot, batch] of [
          [stats[2 * j], r.batchMeans[j]],
          [stats[2 * j + 1], r.batchVariances[j]],
        ]) {
          for (let c = 0; c < slot.length; c++) slot[c] -= (slot[c] - batch[c]) * decay;
        }
      });
      const predicted = argMaxRows(r.probabilities, k);
      const truth = argMaxRows(labels, k);
      return { loss: r.loss, correct: predicted.filter((p, i) => p === truth[i]).length };
    },
    setLearningRate: (lr) => {
      opt.learningRate = lr;
    },
    syncModel: () => {
      bind.write(params);
      moving.bind.write(stats);
    },
    reloadFromModel: () => {
      params = bind.read();
      stats = moving.bind.read();
    },
    getOptimizerWeights: async () => toTfjsWeights(opt, bind),
    setOptimizerWeights: async (weights) => fromTfjsWeights(opt, bind, weights),
    randomState: () => dropout.state(),
    setRandomState: (state) => dropout.setState(state),
    dispose: () => session.release(),
  };
}
