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
import { BaseCam, type RawCamMaps } from './baseCam';
import type { CamMethod } from './camTypes';
import { inputLayerName } from './forwardWithProbe';

/**
 * Gradient saliency bound to a model. The layer is the input layer by default; any layer is
 * accepted (options `layer`) to get the gradient magnitude there. Always computed by autodiff.
 */
export class SaliencyMap extends BaseCam {
  /** `saliency`. */
  readonly method: CamMethod = 'saliency';

  /** The input layer (e.g. `input_1`). */
  protected override defaultLayer(model: tf.LayersModel): string {
    return inputLayerName(model);
  }

  /**
   * signed Σ_c ∂y/∂x_ijc, positive max_c |∂y/∂x_ijc|, negative max_c ReLU(−∂y/∂x_ijc); no weights.
   * @param _activations `[batch, H, W, C]` (unused: the map is the gradient alone).
   * @param gradients `[batch, H, W, C]` ∂y_c/∂x.
   */
  protected override rawMaps(_activations: tf.Tensor4D, gradients: tf.Tensor4D): RawCamMaps {
    const maps = tf.tidy(() => ({
      signed: tf.sum(gradients, 3) as tf.Tensor3D,
      positive: tf.max(tf.abs(gradients), 3) as tf.Tensor3D,
      negative: tf.max(tf.relu(tf.neg(gradients)), 3) as tf.Tensor3D,
    }));
    return { ...maps, weights: null };
  }
}
