/**
 * The common machinery of gradient-weighted class activation maps, after the design of
 * jacobgil/pytorch-grad-cam: a base class that does the forward/backward pass, the weighted sum,
 * the ReLU, the upsampling and the normalisation; a subclass only says how the channel weights
 * w_k are obtained from the activations A and the gradients ∂y_c/∂A.
 *
 * Map (Selvaraju et al. 2017, eq. 2): L^c = ReLU(Σ_k w_k^c A^k). The counterfactual map (same
 * paper, §"Counterfactual explanations") uses the negated gradients, i.e. ReLU(−Σ_k w_k^c A^k)
 * for Grad-CAM; here, for every channel-weighting method, the negative map is the negative part
 * of the same signed sum: the regions whose activation speaks *against* the target class.
 */
import * as tf from '@tensorflow/tfjs';
import { closedFormApplies, fastCamGradients } from '../fast/fastCamGradients';
import { LAST_ADD_LAYER } from '../model/constants';
import { camGradients, type CamGradients } from './camGradients';
import type { CamTarget } from './camTargets';
import { engineCamGradients } from './engineCamGradients';
import type { Cam, CamMethod, CamOptions, CamResult } from './camTypes';
import { normalizeMaps, type CamNormalization } from './normalizeMaps';

/** Low-resolution maps of a batch, before upsampling. Owned by the caller. */
export interface RawCamMaps {
  /** Signed map at layer resolution `[batch, h, w]` (for saliency: the positive map itself). */
  signed: tf.Tensor3D;
  /** Non-negative map of evidence for the target `[batch, h, w]`. */
  positive: tf.Tensor3D;
  /** Non-negative counterfactual map `[batch, h, w]`. */
  negative: tf.Tensor3D;
  /** Channel weights `[batch, k]`, or null when the method does not weight channels. */
  weights: tf.Tensor2D | null;
}

/**
 * Turn activations, gradients and logits into a {@link CamResult} (shared by all methods).
 * Disposes nothing it did not create.
 */
export function finishCamResult(
  method: CamMethod,
  layer: string,
  raw: RawCamMaps,
  logits: tf.Tensor2D,
  predicted: number[],
  targets: number[],
  size: [number, number],
  normalization: CamNormalization,
): CamResult {
  const pos = normalizeMaps(raw.positive, size, normalization);
  const neg = normalizeMaps(raw.negative, size, normalization);
  try {
    const [, h, w] = raw.signed.shape;
    const batch = raw.signed.shape[0];
    const split = (t: tf.Tensor, n: number): Float32Array[] => {
      const all = t.dataSync() as Float32Array;
      return Array.from({ length: batch }, (_, b) => all.slice(b * n, (b + 1) * n));
    };
    const k = raw.weights ? raw.weights.shape[1] : 0;
    const probabilities = tf.tidy(() => tf.softmax(logits).arraySync() as number[][]);
    return {
      method,
      layer,
      size,
      layerShape: [h, w, k],
      maps: split(pos.maps, size[0] * size[1]),
      negativeMaps: split(neg.maps, size[0] * size[1]),
      empty: pos.empty,
      negativeEmpty: neg.empty,
      signedLowRes: split(raw.signed, h * w),
      weights: raw.weights ? split(raw.weights, k) : null,
      logits: logits.arraySync(),
      probabilities,
      predicted,
      targets,
    };
  } finally {
    tf.dispose([pos.maps, neg.maps]);
  }
}

/**
 * Base of every map method: gradients of the target at the layer (closed form on `add_12`,
 * autodiff elsewhere), raw maps, then upsampling, normalisation and disposal
 * ({@link finishCamResult}). Channel-weighting methods (Grad-CAM, Grad-CAM++) implement
 * {@link BaseCam.channelWeights} only; a method that is not a channel weighting (gradient
 * saliency) overrides {@link BaseCam.rawMaps} instead, and {@link BaseCam.defaultLayer} when it
 * explains another layer than `add_12` by default.
 */
export abstract class BaseCam implements Cam {
  /** Method name. */
  abstract readonly method: CamMethod;
  /** Layer explained. */
  readonly layer: string;
  protected readonly normalization: CamNormalization;
  protected readonly classNames?: readonly string[];
  protected readonly fast?: CamOptions['fast'];
  protected readonly engine?: CamOptions['engine'];
  protected readonly gradients: NonNullable<CamOptions['gradients']>;

  /**
   * @param model Functional Layers model whose last layer is Dense (softmax or linear); not
   *   owned (the caller disposes it).
   * @param options Layer (default `add_12`), normalisation, class names.
   */
  constructor(
    protected readonly model: tf.LayersModel,
    options: CamOptions = {},
  ) {
    this.layer = options.layer ?? this.defaultLayer(model);
    this.normalization = options.normalization ?? 'minmax';
    this.classNames = options.classNames;
    this.fast = options.fast;
    this.engine = options.engine;
    this.gradients = options.gradients ?? 'auto';
    tf.util.assert(
      this.gradients === 'auto' || this.gradients === 'autodiff',
      () => `gradients: expected 'auto' or 'autodiff', got ${JSON.stringify(options.gradients)}`,
    );
    // Fail early, with the candidates, when the layer does not exist.
    const names = model.layers.map((l) => l.name);
    tf.util.assert(
      names.includes(this.layer),
      () => `layer "${this.layer}" is not in the model; try listCamLayers(model)`,
    );
  }

  /**
   * The layer explained when the options name none: `add_12`, the last residual Add.
   * Called from the constructor (only the model is available then).
   */
  protected defaultLayer(_model: tf.LayersModel): string {
    return LAST_ADD_LAYER;
  }

  /**
   * Channel weights w_k^c from activations and gradients. Channel-weighting methods override it;
   * the default throws, for methods that override {@link BaseCam.rawMaps} instead.
   * @param activations `[batch, h, w, k]` A.
   * @param gradients `[batch, h, w, k]` ∂y_c/∂A.
   * @returns `[batch, k]` weights (a new tensor; called inside `tf.tidy`).
   */
  protected channelWeights(_activations: tf.Tensor4D, _gradients: tf.Tensor4D): tf.Tensor2D {
    throw new Error(
      `${this.method}: not a channel-weighting method; it must override rawMaps or channelWeights`,
    );
  }

  /**
   * Raw maps at layer resolution: by default the channel-weighted sum Σ_k w_k A^k, its ReLU and
   * its negative part. Tensors returned are owned by the caller.
   * @param activations `[batch, h, w, k]` A.
   * @param gradients `[batch, h, w, k]` ∂y_c/∂A.
   */
  protected rawMaps(activations: tf.Tensor4D, gradients: tf.Tensor4D): RawCamMaps {
    return tf.tidy(() => {
      const weights = this.channelWeights(activations, gradients);
      const [b, , , k] = activations.shape;
      const signed = tf.sum(tf.mul(activations, weights.reshape([b, 1, 1, k])), 3) as tf.Tensor3D;
      return {
        signed,
        positive: tf.relu(signed),
        negative: tf.relu(tf.neg(signed)),
        weights,
      };
    });
  }

  /**
   * Activations, ∂y_c/∂A and logits of the layer: through the engine when there is one, else on
   * TF.js (closed form on `add_12` with the fast executor, autodiff elsewhere). The caller
   * disposes the tensors.
   */
  protected async layerGradients(
    input: tf.Tensor4D,
    targets?: CamTarget | CamTarget[],
  ): Promise<CamGradients> {
    if (this.gradients === 'auto' && this.engine) {
      return engineCamGradients(
        this.engine,
        this.model,
        input,
        this.layer,
        targets,
        this.classNames,
      );
    }
    return this.gradients === 'auto' && closedFormApplies(this.model, this.layer)
      ? fastCamGradients(this.model, input, this.layer, targets, this.classNames, this.fast)
      : camGradients(this.model, input, this.layer, targets, this.classNames);
  }

  /** {@inheritDoc Cam.compute} */
  async compute(input: tf.Tensor4D, targets?: CamTarget | CamTarget[]): Promise<CamResult> {
    tf.util.assert(
      input.rank === 4,
      () => `expected input [batch, H, W, channels], got shape ${JSON.stringify(input.shape)}`,
    );
    const g = await this.layerGradients(input, targets);
    let raw: RawCamMaps | undefined;
    try {
      raw = this.rawMaps(g.activations, g.gradients);
      return finishCamResult(
        this.method,
        this.layer,
        raw,
        g.logits,
        g.predicted,
        g.targets,
        [input.shape[1], input.shape[2]],
        this.normalization,
      );
    } finally {
      tf.dispose([g.activations, g.gradients, g.logits]);
      if (raw)
        tf.dispose([raw.signed, raw.positive, raw.negative, ...(raw.weights ? [raw.weights] : [])]);
    }
  }
}
