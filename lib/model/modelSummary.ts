/**
 * A Keras-compatible model summary: the same table as Keras' `model.summary()`, as data and as text.
 */
import * as tf from '@tensorflow/tfjs';

/** One row of the summary. Field names follow `breast-density summary --json`. */
export interface LayerSummary {
  /** Layer name, e.g. `conv2d_1`. */
  name: string;
  /** Layer class, e.g. `Conv2D`, `BatchNormalization`, `Add`. */
  class: string;
  /** Output shape with `null` for the batch dimension, e.g. `[null, 325, 325, 64]`. */
  output_shape: (number | null)[];
  /** Number of parameters (trainable and not). */
  params: number;
  /** Names of the layers feeding this one, in input order (empty for the input layer). */
  inbound: string[];
}

/** The whole summary. */
export interface ModelSummary {
  /** Sum of `params` over all layers. */
  total_params: number;
  /** Parameters updated by training. */
  trainable_params: number;
  /** Parameters not trained (BatchNorm moving mean and variance). */
  non_trainable_params: number;
  /** One entry per layer, in the model's layer order. */
  layers: LayerSummary[];
}

function countWeights(weights: tf.LayerVariable[]): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/**
 * Summarise a TF.js Layers model as Keras does.
 * @param model Any functional `tf.LayersModel`.
 * @returns Per-layer rows and parameter totals.
 */
export function modelSummary(model: tf.LayersModel): ModelSummary {
  const layers: LayerSummary[] = model.layers.map((layer) => {
    const shape = layer.outputShape;
    const outputShape = (Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[];
    const inbound = layer.inboundNodes.flatMap((node) => node.inboundLayers.map((l) => l.name));
    return {
      name: layer.name,
      class: layer.getClassName(),
      output_shape: outputShape,
      params: layer.countParams(),
      inbound,
    };
  });
  const trainable = model.layers.reduce((s, l) => s + countWeights(l.trainableWeights), 0);
  const nonTrainable = model.layers.reduce((s, l) => s + countWeights(l.nonTrainableWeights), 0);
  return {
    total_params: trainable + nonTrainable,
    trainable_params: trainable,
    non_trainable_params: nonTrainable,
    layers,
  };
}

/**
 * Format a summary as Keras 2.2.4 prints it (columns: layer (type), output shape, param #,
 * connected to; totals at the end). Columns are at least Keras's widths (32, 21, 12, 33) and
 * widen to fit their longest cell, so nothing is ever cut.
 * @param summary From {@link modelSummary}.
 * @returns The table, lines joined by `\n`.
 */
export function formatModelSummary(summary: ModelSummary): string {
  const rows = summary.layers.map((l) => [
    `${l.name} (${l.class})`,
    `(${l.output_shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`,
    String(l.params),
    ...l.inbound.map((n) => `${n}[0][0]`),
  ]);
  const header = ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  const widths = [32, 21, 12, 33].map((w, j) =>
    Math.max(
      w,
      header[j].length + 1,
      ...rows.map(
        (r) =>
          (j < 3 ? r[j] : r.slice(3).reduce((m, c) => (c.length > m.length ? c : m), '')).length +
          1,
      ),
    ),
  );
  const line = (c: string) => c.repeat(widths.reduce((a, b) => a + b, 0));
  const cells = (c: string[]) =>
    c
      .slice(0, 3)
      .map((v, j) => v.padEnd(widths[j]))
      .join('') + (c[3] ?? '');
  const out: string[] = [line('_'), cells(header), line('=')];
  rows.forEach((r, i) => {
    out.push(cells(r));
    for (const extra of r.slice(4)) out.push(' '.repeat(widths[0] + widths[1] + widths[2]) + extra);
    out.push(i === rows.length - 1 ? line('=') : line('_'));
  });
  const fmt = (n: number) => n.toLocaleString('en-US');
  out.push(`Total params: ${fmt(summary.total_params)}`);
  out.push(`Trainable params: ${fmt(summary.trainable_params)}`);
  out.push(`Non-trainable params: ${fmt(summary.non_trainable_params)}`);
  out.push(line('_'));
  return out.join('\n');
}
