/**
 * What the trainer needs from the engine that runs the optimisation steps: the TF.js path
 * (`createTfjsTrainingEngine`: autodiff and TF.js optimisers on the current backend) or ONNX
 * Runtime (`createOnnxTrainingEngine`: the generated training-step graph and Keras optimisers in
 * TypeScript). Both train the same TF.js model object: after {@link TrainingEngine.syncModel} it
 * holds the current weights and BN moving statistics, so evaluation, checkpoints and
 * `saveDensityModel` are engine-independent.
 */
import type * as tf from '@tensorflow/tfjs';

/** Engine names (`DENSITY_ENGINE=onnx|tfjs`). */
export type TrainingEngineName = 'onnx' | 'tfjs';

/** An optimiser weight as TF.js `Optimizer.getWeights()` returns it. */
export interface NamedOptimizerWeight {
  name: string;
  tensor: tf.Tensor;
}

/** A training engine bound to one model and optimiser. */
export interface TrainingEngine {
  readonly name: TrainingEngineName;
  /** One line describing it (reported once on stderr). */
  readonly description: string;
  /**
   * One optimisation step on a batch (training mode; BN moving averages updated).
   * @param xs Preprocessed images `[N, H, W, 3]`; ys one-hot `[N, K]` (the caller disposes both).
   * @returns The batch's mean loss and number of correct predictions.
   */
  trainStep(xs: tf.Tensor4D, ys: tf.Tensor2D): Promise<{ loss: number; correct: number }>;
  /** Change the learning rate, keeping the optimiser's slots. */
  setLearningRate(lr: number): void;
  /** Write the engine's weights and BN statistics into the model (no-op for TF.js). */
  syncModel(): void;
  /** Read weights and BN statistics from the model again (after it was changed outside). */
  reloadFromModel(): void;
  /**
   * Optimiser state in TF.js `getWeights()` form (names, order and layout), so checkpoints resume
   * on either engine. Tensors that are not `tf.Variable`s belong to the caller.
   */
  getOptimizerWeights(): Promise<NamedOptimizerWeight[]>;
  /** Restore {@link getOptimizerWeights} output (the caller keeps and disposes the tensors). */
  setOptimizerWeights(weights: NamedOptimizerWeight[]): Promise<void>;
  /** Position of the engine's own random stream (dropout masks), or null when it has none. */
  randomState(): number | null;
  /** Restore {@link randomState}. */
  setRandomState(state: number): void;
  /** Release sessions and optimiser variables (not the model). */
  dispose(): Promise<void>;
}
