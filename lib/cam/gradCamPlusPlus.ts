/**
 * Grad-CAM++: A. Chattopadhay, A. Sarkar, P. Howlader, V. N. Balasubramanian,
 * "Grad-CAM++: Generalized Gradient-based Visual Explanations for Deep Convolutional Networks",
 * WACV 2018 (arXiv:1710.11063).
 *
 * Channel weights (eq. 9 with the closed form of eq. 19, for a score passed through exp so that
 * higher derivatives are powers of the first, g = ∂y^c/∂A):
 *   α_ij^k = g_ij² / (2 g_ij² + Σ_ab A_ab^k · g_ij³),   α = 0 where g = 0 (or the denominator is 0),
 *   w_k^c = Σ_ij α_ij^k · ReLU(g_ij^k).
 * Compared with Grad-CAM this weights each location's positive gradient instead of averaging all
 * gradients, which helps when several regions carry evidence for the class.
 */
import * as tf from '@tensorflow/tfjs';
import { BaseCam } from './baseCam';
import type { CamMethod } from './camTypes';

/** Epsilon guarding the α denominator (as jacobgil/pytorch-grad-cam). */
const ALPHA_EPSILON = 1e-6;

/** Grad-CAM++ bound to a model and a layer (default `add_12`). */
export class GradCamPlusPlus extends BaseCam {
  /** `gradcam++`. */
  readonly method: CamMethod = 'gradcam++';

  /** w_k = Σ_ij α_ij^k ReLU(g_ij^k); `[batch, k]`. */
  protected channelWeights(activations: tf.Tensor4D, gradients: tf.Tensor4D): tf.Tensor2D {
    const g2 = tf.square(gradients);
    const g3 = tf.mul(g2, gradients);
    const sumA = tf.sum(activations, [1, 2], true);
    const denom = tf.add(tf.add(tf.mul(g2, 2), tf.mul(sumA, g3)), ALPHA_EPSILON);
    const alpha = tf.where(tf.notEqual(gradients, 0), tf.div(g2, denom), tf.zerosLike(g2));
    return tf.sum(tf.mul(alpha, tf.relu(gradients)), [1, 2]) as tf.Tensor2D;
  }
}
