/**
 * Grad-CAM inputs (activations, gradients, logits) on the last residual Add layer without a
 * backward pass: one fast forward pass to the layer ({@link createInferenceModel}) and the closed
 * form of the gradient (`gradCamLastAddClosedForm` in lib/cam: after `add_12` come only
 * LeakyReLU → Dropout → GlobalAveragePooling2D → Dense, so ∂y_c/∂A_ijk = W_kc·LeakyReLU′(A_ijk)/(h·w)).
 *
 * Same values as the autodiff path (`camGradients`) up to float32 rounding; the cost is about one
 * forward pass (Selvaraju et al., "Grad-CAM", ICCV 2017, eq. 1 with this head).
 */
import * as tf from '@tensorflow/tfjs';
import type { CamGradients } from '../cam/camGradients';
import type { CamTarget } from '../cam/camTargets';
import { closedFormCamGradients } from '../cam/closedFormCamGradients';
import { readLastAddHead } from '../cam/lastAddClosedForm';
import { createInferenceModel, type InferenceModel } from './createInferenceModel';

/**
 * Whether the closed form applies to `layer` of `model` (the layer is followed by exactly
 * LeakyReLU → [Dropout] → GlobalAveragePooling2D → Dense).
 */
export function closedFormApplies(model: tf.LayersModel, layer: string): boolean {
  try {
    readLastAddHead(model, layer);
    return true;
  } catch {
    // Not this head (or no such layer): the caller takes the autodiff path, which reports
    // unknown layers itself.
    return false;
  }
}

/**
 * Activations of `layer`, ∂y_c/∂A in closed form, logits, targets and predictions, for a batch.
 * @param model The density network (not modified).
 * @param input `[batch, H, W, 3]` float32 preprocessed images (not disposed).
 * @param layer The last Add layer (normally `add_12`); see {@link closedFormApplies}.
 * @param targets What to explain (default: the predicted class of each image).
 * @param classNames Class names in output order (targets given by name).
 * @param fast A prepared inference model of `model` to reuse; by default one is made for this
 *   call and disposed (≈ 0.1 s at 650×650).
 * @returns Same contract as `camGradients`: the caller disposes `activations`, `gradients` and
 *   `logits`.
 * @throws Error when the closed form does not apply to this layer.
 */
export function fastCamGradients(
  model: tf.LayersModel,
  input: tf.Tensor4D,
  layer: string,
  targets?: CamTarget | CamTarget[],
  classNames?: readonly string[],
  fast?: InferenceModel,
): CamGradients {
  readLastAddHead(model, layer);
  const own = fast ?? createInferenceModel(model);
  try {
    const { activations, logits } = own.activationsAndLogits(input, layer);
    return closedFormCamGradients(model, activations, logits, layer, targets, classNames);
  } finally {
    if (!fast) own.dispose();
  }
}
