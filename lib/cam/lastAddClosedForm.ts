/**
 * Closed form of the Grad-CAM gradients on the last residual Add layer of this architecture.
 *
 * After `add_12` the original network has only LeakyReLU(α) → Dropout (identity at inference) →
 * GlobalAveragePooling2D → Dense. With A the `add_12` output `[h, w, k]` and W the Dense kernel
 * `[k, classes]`, the class score before the softmax is
 *   y_c = Σ_k W_kc · (1/(h·w)) Σ_ij LeakyReLU(A_ijk) + b_c,
 * so
 *   ∂y_c/∂A_ijk = W_kc · LeakyReLU′(A_ijk) / (h·w),   LeakyReLU′(a) = 1 if a > 0 else α,
 * and the Grad-CAM weights are w_k = mean_ij ∂y_c/∂A_ijk. No backward pass is needed: a forward
 * pass to `add_12` and this formula give the same map (the fast path for `add_12`; the test suite
 * checks the autodiff gradients against it).
 */
import * as tf from '@tensorflow/tfjs';
import { LAST_ADD_LAYER } from '../model/constants';

/** The head after the last Add layer, as read from a model. */
export interface LastAddHead {
  /** LeakyReLU negative slope α. */
  alpha: number;
  /** Dense kernel `[k, classes]` (the model's variable, not a copy: do not dispose). */
  kernel: tf.Tensor2D;
  /** Dense bias `[classes]` (the model's variable), or null without bias. */
  bias: tf.Tensor1D | null;
}

function consumers(model: tf.LayersModel, layer: tf.layers.Layer): tf.layers.Layer[] {
  return model.layers.filter((l) =>
    l.inboundNodes.some((n) => n.inboundLayers.some((i) => i.name === layer.name)),
  );
}

/**
 * Check that `layerName` is followed by exactly LeakyReLU → [Dropout] → GlobalAveragePooling2D →
 * Dense, and read α, the kernel and the bias.
 * @throws Error naming the first layer that does not fit.
 */
export function readLastAddHead(model: tf.LayersModel, layerName = LAST_ADD_LAYER): LastAddHead {
  const chain: tf.layers.Layer[] = [];
  let cur = model.getLayer(layerName);
  for (;;) {
    const next = consumers(model, cur);
    if (next.length === 0) break;
    tf.util.assert(
      next.length === 1,
      () => `layer ${cur.name} feeds ${next.length} layers; the closed form needs a single chain`,
    );
    cur = next[0];
    chain.push(cur);
  }
  const classes = chain.map((l) => l.getClassName());
  const expected = ['LeakyReLU', 'Dropout', 'GlobalAveragePooling2D', 'Dense'];
  const withoutDropout = expected.filter((c) => c !== 'Dropout');
  const ok =
    JSON.stringify(classes) === JSON.stringify(expected) ||
    JSON.stringify(classes) === JSON.stringify(withoutDropout);
  tf.util.assert(
    ok,
    () =>
      `after ${layerName} the closed form needs ${expected.join(' → ')}, the model has ${classes.join(' → ') || 'nothing'}`,
  );
  const alpha = (chain[0].getConfig() as { alpha: number }).alpha;
  const dense = chain[chain.length - 1];
  const [kernel, bias] = dense.weights;
  return {
    alpha,
    kernel: kernel.read() as tf.Tensor2D,
    bias: bias ? (bias.read() as tf.Tensor1D) : null,
  };
}

/** Result of {@link gradCamLastAddClosedForm}; the caller disposes the tensors. */
export interface LastAddClosedForm {
  /** ∂y_c/∂A `[batch, h, w, k]` for each image's target c. */
  gradients: tf.Tensor4D;
  /** Grad-CAM channel weights `[batch, k]` = spatial mean of `gradients`. */
  weights: tf.Tensor2D;
  /** Class scores before the softmax `[batch, classes]`, from A alone. */
  logits: tf.Tensor2D;
}

/**
 * Grad-CAM gradients, weights and logits on the last Add layer, in closed form.
 * @param model The density network (any input size); its head is checked by {@link readLastAddHead}.
 * @param activations `add_12` output `[batch, h, w, k]` (not disposed).
 * @param targets Class index per image, or `'predicted'` (arg-max of the logits computed here).
 * @param layerName The Add layer (default `add_12`).
 */
export function gradCamLastAddClosedForm(
  model: tf.LayersModel,
  activations: tf.Tensor4D,
  targets: number[] | 'predicted' = 'predicted',
  layerName = LAST_ADD_LAYER,
): LastAddClosedForm & { targets: number[] } {
  const head = readLastAddHead(model, layerName);
  const [b, h, w, k] = activations.shape;
  const logits = tf.tidy(() => {
    const pooled = tf.mean(tf.leakyRelu(activations, head.alpha), [1, 2]) as tf.Tensor2D;
    const y = tf.matMul(pooled, head.kernel);
    return (head.bias ? tf.add(y, head.bias) : y) as tf.Tensor2D;
  });
  const cls =
    targets === 'predicted' ? Array.from(tf.tidy(() => tf.argMax(logits, 1)).dataSync()) : targets;
  tf.util.assert(
    cls.length === b,
    () => `expected ${b} targets (one per image), got ${cls.length}`,
  );
  const { gradients, weights } = tf.tidy(() => {
    // W[:, c_b] for each image: [b, k].
    const wc = tf.transpose(tf.gather(head.kernel, tf.tensor1d(cls, 'int32'), 1)) as tf.Tensor2D;
    const slope = tf.where(
      tf.greater(activations, 0),
      tf.onesLike(activations),
      tf.fill(activations.shape, head.alpha),
    );
    const grads = tf.div(tf.mul(slope, wc.reshape([b, 1, 1, k])), h * w) as tf.Tensor4D;
    return { gradients: grads, weights: tf.mean(grads, [1, 2]) as tf.Tensor2D };
  });
  return { gradients, weights, logits, targets: cls };
}
