/**
 * {@link CamGradients} of the last residual Add layer from its activations and the logits of the
 * same forward pass (whichever engine ran it): targets resolved against the prediction, then the
 * closed-form gradient (`gradCamLastAddClosedForm`, no backward pass).
 */
import * as tf from '@tensorflow/tfjs';
import type { CamGradients } from './camGradients';
import { resolveCamTargets, type CamTarget } from './camTargets';
import { gradCamLastAddClosedForm } from './lastAddClosedForm';

/**
 * Complete a forward pass to the last Add layer into Grad-CAM inputs.
 * @param model The density network (its Dense head is read; not modified).
 * @param activations `[batch, h, w, k]` of `layer`; ownership passes to the result (disposed here
 *   on error).
 * @param logits `[batch, classes]` of the same pass; ownership passes to the result likewise.
 * @param layer The last Add layer (see `closedFormApplies`).
 * @returns The caller disposes `activations`, `gradients` and `logits`.
 */
export function closedFormCamGradients(
  model: tf.LayersModel,
  activations: tf.Tensor4D,
  logits: tf.Tensor2D,
  layer: string,
  targets?: CamTarget | CamTarget[],
  classNames?: readonly string[],
): CamGradients {
  try {
    const predicted = tf.tidy(() => Array.from(tf.argMax(logits, 1).dataSync()));
    const cls = resolveCamTargets(targets, predicted, classNames);
    const cf = gradCamLastAddClosedForm(model, activations, cls, layer);
    tf.dispose([cf.weights, cf.logits]);
    return { activations, gradients: cf.gradients, logits, targets: cls, predicted };
  } catch (err) {
    tf.dispose([activations, logits]);
    throw err;
  }
}
