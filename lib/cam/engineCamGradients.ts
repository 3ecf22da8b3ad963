/**
 * {@link CamGradients} from a compute engine (ONNX Runtime by default): on the last residual Add
 * layer one forward pass to the layer and the closed-form gradient (`gradCamLastAddClosedForm`,
 * no backward pass); at any other layer, and for saliency, the engine's gradient graph (one run
 * gives activations, ∂y_c/∂A and logits; the predicted class is resolved inside the run).
 */
import * as tf from '@tensorflow/tfjs';
import type { DensityEngine } from '../engine/densityEngine';
import { closedFormApplies } from '../fast/fastCamGradients';
import type { CamGradients } from './camGradients';
import { resolveCamTargets, type CamTarget } from './camTargets';
import { closedFormCamGradients } from './closedFormCamGradients';

/** Targets as the engine takes them: a class index per image, −1 for the predicted class. */
function engineTargets(
  targets: CamTarget | CamTarget[] | undefined,
  batch: number,
  classNames?: readonly string[],
): number[] {
  const list = Array.isArray(targets)
    ? targets
    : Array.from({ length: batch }, () => targets ?? 'predicted');
  // resolveCamTargets checks names, ranges and the count; −1 stands in for "predicted".
  return resolveCamTargets(
    list,
    Array.from({ length: batch }, () => -1),
    classNames,
  );
}

/**
 * Activations, gradients and logits of a batch through an engine.
 * @param engine Engine of `model` (not disposed).
 * @param model The same network (read for the closed form's Dense head; not modified).
 * @param input `[batch, H, W, 3]` float32 (not disposed).
 * @param layer Layer explained (`add_12`, `add_6`, …, or the input layer for saliency).
 * @returns Same contract as `camGradients`: the caller disposes the three tensors.
 */
export async function engineCamGradients(
  engine: DensityEngine,
  model: tf.LayersModel,
  input: tf.Tensor4D,
  layer: string,
  targets?: CamTarget | CamTarget[],
  classNames?: readonly string[],
): Promise<CamGradients> {
  const batch = input.shape[0];
  const data = (await input.data()) as Float32Array;
  const classes = engine.numClasses;
  if (closedFormApplies(model, layer)) {
    const r = await engine.forward(data, batch, [layer]);
    const a = r.activations[layer];
    const activations = tf.tensor4d(a.data, a.shape as [number, number, number, number]);
    const logits = tf.tensor2d(r.logits, [batch, classes]);
    return closedFormCamGradients(model, activations, logits, layer, targets, classNames);
  }
  const g = await engine.gradients(data, batch, layer, engineTargets(targets, batch, classNames));
  const shape4 = (s: number[]) => s as [number, number, number, number];
  return {
    activations: g.activations
      ? tf.tensor4d(g.activations.data, shape4(g.activations.shape))
      : input.clone(),
    gradients: tf.tensor4d(g.gradients.data, shape4(g.gradients.shape)),
    logits: tf.tensor2d(g.logits, [batch, classes]),
    targets: g.targets,
    predicted: g.predicted,
  };
}
