/**
 * Which layers of a model make sense as Grad-CAM targets.
 */
import type * as tf from '@tensorflow/tfjs';

/** A candidate layer for class activation maps. */
export interface CamLayerInfo {
  /** Layer name, e.g. `add_12`. */
  name: string;
  /** Layer class, e.g. `Add`, `Conv2D`, `LeakyReLU`. */
  className: string;
  /** Output `[h, w, channels]`. */
  outputShape: [number, number, number];
  /**
   * Whether the layer ends a residual module (an `Add`): the natural choices, because the whole
   * signal of the network passes through them (the original uses the last one, `add_12`).
   */
  moduleOutput: boolean;
}

/** Layer classes that carry no new information compared with their input. */
const SKIPPED = new Set(['InputLayer', 'Dropout', 'SpatialDropout2D', 'GaussianNoise']);

/**
 * List the layers with a spatial output `[batch, h, w, channels]` before the global pooling,
 * in network order (coarsest last). Deeper layers give coarser but more class-specific maps.
 * @param model Any functional Layers model.
 * @returns One entry per candidate layer.
 */
export function listCamLayers(model: tf.LayersModel): CamLayerInfo[] {
  const out: CamLayerInfo[] = [];
  for (const layer of model.layers) {
    const cls = layer.getClassName();
    if (SKIPPED.has(cls)) continue;
    const shape = layer.outputShape;
    const s = (Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[];
    if (s.length !== 4 || s.slice(1).some((d) => d === null)) continue;
    out.push({
      name: layer.name,
      className: cls,
      outputShape: [s[1] as number, s[2] as number, s[3] as number],
      moduleOutput: cls === 'Add',
    });
  }
  return out;
}
