/**
 * A forward pass through a functional Layers model that exposes one layer's activations and lets
 * a gradient be taken with respect to them, and that returns the class scores *before* the final
 * softmax (the "linear head" of keras-vis `utils.apply_modifications`).
 *
 * TF.js can only differentiate with respect to the arguments of the differentiated function, not
 * with respect to an intermediate tensor. The model's graph is therefore executed layer by layer
 * here, and a `probe` tensor (zeros, shape of the target layer's output) is added to the target
 * layer's output: ∂y/∂probe = ∂y/∂A exactly, and only the layers *after* the target enter the
 * backward pass (TF.js prunes the tape to the path from the probe to the score).
 *
 * Why the softmax is replaced by a linear head: with a softmax output, ∂p_c/∂A depends on every
 * other class's score and saturates when p_c → 1, which washes the map out; keras-vis (and
 * Selvaraju et al. 2017) use the score before the softmax. Rather than rebuilding the model with
 * a linear last layer (the approach of the original, which re-saves and reloads the Keras model),
 * the logits are computed here from the last Dense layer's own kernel and bias:
 * `y = x · W + b` with `x` the Dense layer's input. A model whose last layer is a separate
 * `Activation('softmax')` layer is handled by taking that layer's input as the logits.
 *
 * Convolutions are evaluated with the unfused `tf.conv2d` (+ bias, + activation): the fused
 * TF.js kernel used by `tf.layers.conv2d` computes the filter gradient eagerly in its backward
 * pass, which needs `Conv2DBackpropFilter` (missing on the wasm backend, and wasted work here:
 * only the gradient with respect to the input, `Conv2DBackpropInput`, is needed).
 */
import * as tf from '@tensorflow/tfjs';

/** Tensors produced by {@link forwardWithProbe}. Owned by the caller (or by an enclosing tidy). */
export interface ProbeForward {
  /** Output of the target layer (plus the probe), e.g. `[batch, 21, 21, 256]` for `add_12` at 650×650. */
  activations: tf.Tensor;
  /** Class scores before the softmax, `[batch, classes]` float32. */
  logits: tf.Tensor2D;
}

type LayerWithActivation = tf.layers.Layer & { activation?: { apply(x: tf.Tensor): tf.Tensor } };

/** Layer classes whose only role is to be the graph's input. */
const INPUT_CLASSES = new Set(['InputLayer']);

/**
 * Name of the model's input layer (e.g. `input_1`): the "layer" to use for input-gradient
 * saliency.
 */
export function inputLayerName(model: tf.LayersModel): string {
  const layer = model.layers.find((l) => INPUT_CLASSES.has(l.getClassName()));
  if (!layer) throw new Error(`model ${model.name} has no InputLayer`);
  return layer.name;
}

/**
 * The head that turns the last layer's input into logits.
 * @returns `stopAt`: name of the last layer evaluated normally; `logits(x)`: logits from its output.
 */
function linearHead(model: tf.LayersModel): {
  stopAt: string;
  logits: (x: tf.Tensor) => tf.Tensor2D;
} {
  const last = model.layers[model.layers.length - 1];
  const inbound = last.inboundNodes[0]?.inboundLayers ?? [];
  const cls = last.getClassName();
  const config = last.getConfig() as { activation?: string; useBias?: boolean };
  if (cls === 'Dense') {
    const [kernel, bias] = last.weights;
    return {
      stopAt: inbound[0].name,
      logits: (x) => {
        const y = tf.matMul(x as tf.Tensor2D, kernel.read() as tf.Tensor2D);
        return (config.useBias === false || !bias ? y : tf.add(y, bias.read())) as tf.Tensor2D;
      },
    };
  }
  if (cls === 'Activation' && (config.activation === 'softmax' || config.activation === 'linear')) {
    return { stopAt: inbound[0].name, logits: (x) => x as tf.Tensor2D };
  }
  throw new Error(
    `the model's last layer ${last.name} is a ${cls}; Grad-CAM needs a Dense (or Activation softmax) output layer to take the scores before the softmax`,
  );
}

/** Evaluate one layer on concrete tensors, in inference mode, avoiding fused convolutions. */
function applyLayer(layer: tf.layers.Layer, inputs: tf.Tensor[]): tf.Tensor {
  if (layer.getClassName() === 'Conv2D') {
    const c = layer.getConfig() as {
      strides: [number, number];
      padding: 'same' | 'valid';
      dilationRate: [number, number];
      dataFormat: string;
      useBias: boolean;
    };
    tf.util.assert(
      c.dataFormat === 'channelsLast',
      () => `layer ${layer.name}: expected channelsLast data, got ${c.dataFormat}`,
    );
    const [kernel, bias] = layer.weights;
    let y: tf.Tensor = tf.conv2d(
      inputs[0] as tf.Tensor4D,
      kernel.read() as tf.Tensor4D,
      c.strides,
      c.padding,
      'NHWC',
      c.dilationRate,
    );
    if (c.useBias && bias) y = tf.add(y, bias.read());
    const act = (layer as LayerWithActivation).activation;
    return act ? act.apply(y) : y;
  }
  const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false });
  tf.util.assert(
    !Array.isArray(out),
    () => `layer ${layer.name} has several outputs; not supported for Grad-CAM`,
  );
  return out as tf.Tensor;
}

/**
 * Run `model` on `input`, adding `probe` to the output of layer `layerName`, and return that
 * layer's activations and the pre-softmax logits.
 *
 * Call it inside `tf.tidy` or a gradient function: intermediate tensors are not disposed here.
 * @param model A functional Layers model (each layer used once; last layer Dense or Activation).
 * @param input `[batch, H, W, C]` float32, preprocessed as the model expects.
 * @param layerName Target layer (its output must be a single tensor); may be the input layer.
 * @param probe Optional tensor of the target layer's output shape (normally zeros), added to it.
 * @returns Activations (with the probe added) and logits `[batch, classes]`.
 * @throws Error when the layer does not exist or lies after the logits.
 */
export function forwardWithProbe(
  model: tf.LayersModel,
  input: tf.Tensor,
  layerName: string,
  probe?: tf.Tensor,
): ProbeForward {
  const head = linearHead(model);
  const names = model.layers.map((l) => l.name);
  const targetIndex = names.indexOf(layerName);
  tf.util.assert(
    targetIndex >= 0,
    () => `layer "${layerName}" is not in the model (see listCamLayers for the candidates)`,
  );
  const stopIndex = names.indexOf(head.stopAt);
  tf.util.assert(
    targetIndex <= stopIndex,
    () =>
      `layer "${layerName}" comes after the classifier's input ${head.stopAt}; choose an earlier layer`,
  );
  const outputs = new Map<string, tf.Tensor>();
  let activations: tf.Tensor | undefined;
  for (let i = 0; i <= stopIndex; i++) {
    const layer = model.layers[i];
    let out: tf.Tensor;
    if (INPUT_CLASSES.has(layer.getClassName())) {
      out = input;
    } else {
      tf.util.assert(
        layer.inboundNodes.length === 1,
        () =>
          `layer ${layer.name} is used ${layer.inboundNodes.length} times in the graph; shared layers are not supported`,
      );
      const ins = layer.inboundNodes[0].inboundLayers.map((l) => {
        const t = outputs.get(l.name);
        if (!t) throw new Error(`layer ${layer.name}: input ${l.name} not computed`);
        return t;
      });
      out = applyLayer(layer, ins);
    }
    if (i === targetIndex) {
      if (probe) {
        tf.util.assert(
          tf.util.arraysEqual(probe.shape, out.shape),
          () =>
            `probe shape ${JSON.stringify(probe.shape)} differs from ${layerName} output ${JSON.stringify(out.shape)}`,
        );
        out = tf.add(out, probe);
      }
      activations = out;
    }
    outputs.set(layer.name, out);
  }
  const last = outputs.get(head.stopAt);
  if (!last || !activations) throw new Error('forward pass incomplete');
  return { activations, logits: head.logits(last) };
}

/**
 * Output shape of a layer for a given batch size, e.g. `[1, 21, 21, 256]` for `add_12` at 650×650.
 */
export function layerOutputShape(
  model: tf.LayersModel,
  layerName: string,
  batch: number,
): number[] {
  const layer = model.getLayer(layerName);
  const shape = layer.outputShape;
  const s = (Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[];
  return s.map((d, i) => (i === 0 ? batch : (d as number)));
}
