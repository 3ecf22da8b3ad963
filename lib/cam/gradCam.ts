/**
 * Grad-CAM: R. R. Selvaraju, M. Cogswell, A. Das, R. Vedantam, D. Parikh, D. Batra,
 * "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based Localization",
 * ICCV 2017 (arXiv:1610.02391).
 *
 * Channel weights are the spatial mean of the gradients of the class score (eq. 1):
 * w_k^c = (1 / (h·w)) Σ_ij ∂y^c/∂A_ij^k, and the map is ReLU(Σ_k w_k^c A^k) (eq. 2).
 * This is what keras-vis `visualize_cam` computes for the original use case (keras-vis first
 * divides the gradients by their maximum, a positive factor that the final normalisation removes).
 */
import * as tf from '@tensorflow/tfjs';
import { BaseCam } from './baseCam';
import type { CamMethod } from './camTypes';

/** Grad-CAM bound to a model and a layer (default `add_12`). */
export class GradCam extends BaseCam {
  /** `gradcam`. */
  readonly method: CamMethod = 'gradcam';

  /** w_k = mean over (i, j) of ∂y_c/∂A_ij^k; `[batch, k]`. */
  protected channelWeights(_activations: tf.Tensor4D, gradients: tf.Tensor4D): tf.Tensor2D {
    return tf.mean(gradients, [1, 2]) as tf.Tensor2D;
  }
}
