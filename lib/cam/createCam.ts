/**
 * Factory of the map methods, so that callers (CLI, notebooks) choose the method by name.
 */
import type * as tf from '@tensorflow/tfjs';
import { GradCam } from './gradCam';
import { GradCamPlusPlus } from './gradCamPlusPlus';
import { SaliencyMap } from './saliencyMap';
import { CAM_METHODS, type Cam, type CamMethod, type CamOptions } from './camTypes';

/**
 * Create a map method bound to a model.
 * @param model The network (not owned; the caller disposes it after the Cam is no longer used).
 * @param method `gradcam` (Selvaraju et al. 2017, default), `gradcam++` (Chattopadhay et al.
 *   2018) or `saliency` (Simonyan et al. 2014).
 * @param options Layer (default `add_12`; saliency: the input layer), normalisation, class names.
 * @returns A {@link Cam}; `cam.compute(input, targets)` gives the maps.
 * @throws Error for an unknown method or layer.
 */
export function createCam(
  model: tf.LayersModel,
  method: CamMethod = 'gradcam',
  options: CamOptions = {},
): Cam {
  switch (method) {
    case 'gradcam':
      return new GradCam(model, options);
    case 'gradcam++':
      return new GradCamPlusPlus(model, options);
    case 'saliency':
      return new SaliencyMap(model, options);
    default:
      throw new Error(
        `unknown map method "${method as string}", expected one of ${CAM_METHODS.join(', ')}`,
      );
  }
}

/** Whether `value` names a map method. */
export function isCamMethod(value: string): value is CamMethod {
  return (CAM_METHODS as readonly string[]).includes(value);
}
