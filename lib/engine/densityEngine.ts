/**
 * The compute engine behind prediction, Grad-CAM, the explainability measures and the bench: one
 * interface, two implementations — ONNX Runtime (`createOnnxEngine`, the default) and TF.js
 * (`createTfjsEngine`, the fallback). `createDensityEngine` chooses (`DENSITY_ENGINE`).
 *
 * Everything crosses the interface as plain typed arrays (no tensors to dispose), NHWC like the
 * Layers model: the engines are interchangeable and their results comparable value for value.
 */

/** Engine names accepted by `createDensityEngine` and `DENSITY_ENGINE`. */
export const ENGINE_KINDS = ['onnx', 'tfjs'] as const;
/** One of {@link ENGINE_KINDS}. */
export type EngineKind = (typeof ENGINE_KINDS)[number];

/** A dense float32 array with its shape (row-major). */
export interface EngineTensor {
  data: Float32Array;
  shape: number[];
}

/** Result of {@link DensityEngine.forward} for a batch of n images. */
export interface EngineForward {
  /** Class scores before the softmax, `n × classes` row-major. */
  logits: Float32Array;
  /** Softmax probabilities, `n × classes` row-major (rows sum to 1). */
  probabilities: Float32Array;
  /** Requested layer outputs, NHWC `[n, h, w, k]`, by layer name. */
  activations: Record<string, EngineTensor>;
}

/** Result of {@link DensityEngine.gradients} for a batch of n images. */
export interface EngineGradients {
  /** Activations A of the layer, NHWC `[n, h, w, k]`; null when the layer is the input. */
  activations: EngineTensor | null;
  /** ∂y_c/∂A of each image's target score (before the softmax), same shape as the layer. */
  gradients: EngineTensor;
  /** Class scores, `n × classes`. */
  logits: Float32Array;
  /** Class explained per image. */
  targets: number[];
  /** Predicted class per image (arg-max of the logits). */
  predicted: number[];
}

/**
 * A density network ready to run. Created once per model and reused across batches and calls
 * (sessions and prepared weights are cached inside); the creator calls {@link dispose}.
 */
export interface DensityEngine {
  /** Which implementation. */
  readonly kind: EngineKind;
  /** One line for logs, e.g. `ONNX Runtime 1.30.0 (cpu, 2 threads)`. */
  readonly description: string;
  /** Input `[H, W, C]`. */
  readonly inputShape: [number, number, number];
  /** Number of classes. */
  readonly numClasses: number;
  /** Name of the input layer (the saliency "layer"). */
  readonly inputLayer: string;
  /** ONNX Runtime sessions open now (one per graph used so far; 0 for TF.js and after dispose). */
  readonly openSessions: number;
  /**
   * Forward pass of a batch.
   * @param input float32 NHWC `n × H × W × C` preprocessed images (not kept).
   * @param batch n ≥ 1.
   * @param layers Layers whose outputs to return as well (e.g. `['add_12']`).
   */
  forward(input: Float32Array, batch: number, layers?: readonly string[]): Promise<EngineForward>;
  /**
   * Activations of `layer` and the gradient of each image's target class score with respect to
   * them (or to the input, when `layer` is the input layer).
   * @param targets One class index per image, `-1` for the predicted class.
   */
  gradients(
    input: Float32Array,
    batch: number,
    layer: string,
    targets: readonly number[],
  ): Promise<EngineGradients>;
  /** Free sessions and weights. Later calls throw. */
  dispose(): Promise<void>;
}
