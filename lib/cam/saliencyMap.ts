/**
 * Gradient saliency: K. Simonyan, A. Vedaldi, A. Zisserman, "Deep Inside Convolutional
 * Networks: Visualising Image Classification Models and Saliency Maps", ICLR Workshop 2014
 * (arXiv:1312.6034), §3.1.
 *
 * The map is the magnitude of the gradient of the class score with respect to the input pixels,
 * maximised over the colour channels: M_ij = max_c |∂y^c/∂x_ijc|. It is computed at full input
 * resolution (one backward pass through the whole network) and is not class-discriminative in
 * the way Grad-CAM is. The "negative" map here is max_c ReLU(−∂y^c/∂x_ijc): pixels whose
 * brightening would lower the class score.
 */
import * as tf from '@tensorflow/tfjs';
import { camGradients } from './camGradients';
import type { CamTarget } from './camTargets';
import type { Cam, CamMethod, CamOptions, CamResult } from './camTypes';
import { finishCamResult, type RawCamMaps } from './baseCam';
import { inputLayerName } from './forwardWithProbe';
import type { CamNormalization } from './normalizeMaps';

/** Gradient saliency bound to a model (the layer is the input layer). */
export class SaliencyMap implements Cam {
  /** `saliency`. */
  readonly method: CamMethod = 'saliency';
  /** The input layer's name (e.g. `input_1`). */
  readonly layer: string;
  private readonly normalization: CamNormalization;
  private readonly classNames?: readonly string[];

  /**
   * @param model Functional Layers model (not owned).
   * @param options `layer` defaults to (and normally is) the input layer; any layer is accepted
   *   to get the gradient magnitude there.
   */
  constructor(
    private readonly model: tf.LayersModel,
    options: CamOptions = {},
  ) {
    this.layer = options.layer ?? inputLayerName(model);
    this.normalization = options.normalization ?? 'minmax';
    this.classNames = options.classNames;
  }

  /** {@inheritDoc Cam.compute} */
  compute(input: tf.Tensor4D, targets?: CamTarget | CamTarget[]): CamResult {
    const g = camGradients(this.model, input, this.layer, targets, this.classNames);
    let raw: RawCamMaps | undefined;
    try {
      const maps = tf.tidy(() => ({
        signed: tf.sum(g.gradients, 3) as tf.Tensor3D,
        positive: tf.max(tf.abs(g.gradients), 3) as tf.Tensor3D,
        negative: tf.max(tf.relu(tf.neg(g.gradients)), 3) as tf.Tensor3D,
      }));
      raw = { ...maps, weights: null };
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
      if (raw) tf.dispose([raw.signed, raw.positive, raw.negative]);
    }
  }
}
