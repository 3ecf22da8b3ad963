/**
 * Types shared by the class-activation-map methods (Grad-CAM, Grad-CAM++, gradient saliency).
 */
import type * as tf from '@tensorflow/tfjs';
import type { DensityEngine } from '../engine/densityEngine';
import type { InferenceModel } from '../fast/createInferenceModel';
import type { CamTarget } from './camTargets';
import type { CamNormalization } from './normalizeMaps';

/** Map methods available through `createCam`. */
export const CAM_METHODS = ['gradcam', 'gradcam++', 'saliency'] as const;
/** One of {@link CAM_METHODS}. */
export type CamMethod = (typeof CAM_METHODS)[number];

/** Options common to every method. */
export interface CamOptions {
  /** Layer whose activations are explained. Default `add_12` (saliency: the input layer). */
  layer?: string;
  /** Scaling to [0, 1]: `minmax` as keras-vis (default) or `max`. */
  normalization?: CamNormalization;
  /** Class names in output order, for targets given by name. Default A–D. */
  classNames?: readonly string[];
  /**
   * The compute engine of the same model (`createDensityEngine`: ONNX Runtime by default), not
   * disposed here. With an engine, `add_12` takes one engine forward pass and the closed form,
   * every other layer the engine's gradient graph. Without one, the TF.js path (fast executor on
   * `add_12`, autodiff elsewhere).
   */
  engine?: DensityEngine;
  /**
   * A prepared fast inference form of the same model (`createInferenceModel`) to reuse on the
   * add_12 fast path (otherwise one is made per `compute`, ≈ 0.1 s at 650×650); not disposed.
   */
  fast?: InferenceModel;
  /**
   * How ∂y_c/∂A is obtained: `auto` (default) uses the engine when given (else the closed form on
   * the last Add layer of this network and TF.js autodiff elsewhere); `autodiff` always
   * differentiates the TF.js Layers model (the reference, for checking and benchmarking).
   */
  gradients?: 'auto' | 'autodiff';
}

/** Maps of a batch as plain arrays (no tensors to dispose). */
export interface CamResult {
  /** Method that made the maps. */
  method: CamMethod;
  /** Layer explained. */
  layer: string;
  /** `[H, W]` of the maps (the network input size). */
  size: [number, number];
  /** `[h, w, k]` of the layer's activations. */
  layerShape: [number, number, number];
  /** Per image, `H·W` row-major float32 in [0, 1]: where evidence *for* the target class lies. */
  maps: Float32Array[];
  /** Per image, the counterfactual map (evidence *against* the target), `H·W` in [0, 1]. */
  negativeMaps: Float32Array[];
  /** Per image: the positive map was identically zero (nothing survived the ReLU). */
  empty: boolean[];
  /** Per image: the negative map was identically zero. */
  negativeEmpty: boolean[];
  /** Per image, the signed map `Σ_k w_k A_k` at layer resolution (`h·w`), before ReLU and scaling. */
  signedLowRes: Float32Array[];
  /** Per image, the channel weights `w_k` (length k); `null` for saliency (no channel weighting). */
  weights: Float32Array[] | null;
  /** Class scores before the softmax, per image. */
  logits: number[][];
  /** Softmax probabilities, per image (what the original network outputs). */
  probabilities: number[][];
  /** Predicted class index per image. */
  predicted: number[];
  /** Explained class index per image. */
  targets: number[];
}

/** A map method bound to a model and a layer. */
export interface Cam {
  /** Method name. */
  readonly method: CamMethod;
  /** Layer explained. */
  readonly layer: string;
  /**
   * Compute the maps of a batch.
   * @param input `[batch, H, W, 3]` float32 preprocessed images (not disposed).
   * @param targets What to explain: one target for all images or one per image; default the
   *   predicted class.
   */
  compute(input: tf.Tensor4D, targets?: CamTarget | CamTarget[]): Promise<CamResult>;
}
