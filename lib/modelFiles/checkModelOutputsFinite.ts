/**
 * Refuse a model whose outputs are not finite numbers (NaN or ±Infinity: weights holding NaN,
 * or so large that the activations overflow) before any output is written, with one
 * {@link InputError} naming the model, instead of NaN probabilities in files or an internal error.
 */
import type { DensityEngine } from '../engine/densityEngine';
import { InputError } from '../errors';

/**
 * Run the model once, through its engine, on a fixed smooth test image and check that every
 * output is finite.
 * @param engine Engine of the model (not disposed).
 * @param modelName How to name the model in the message (its directory).
 * @throws InputError `<modelName>: the model's outputs are not finite …`.
 */
export async function checkModelOutputsFinite(
  engine: DensityEngine,
  modelName: string,
): Promise<void> {
  const [h, w, channels] = engine.inputShape;
  // A centred ramp in [-0.5, 0.5], like a standardised image (x/255 − mean), on every channel.
  const x = new Float32Array(h * w * channels);
  for (let p = 0; p < h * w; p++)
    x.fill(-0.5 + p / Math.max(h * w - 1, 1), p * channels, (p + 1) * channels);
  const { logits, probabilities } = await engine.forward(x, 1);
  const bad = [...logits, ...probabilities].find((v) => !Number.isFinite(v));
  if (bad !== undefined) {
    throw new InputError(
      `${modelName}: the model's outputs are not finite (${bad}): its weights hold NaN or values too large; refusing to use it`,
    );
  }
}
