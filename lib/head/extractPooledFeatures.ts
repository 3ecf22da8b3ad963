/**
 * The pooled features of images under a trained density network: the global average over space
 * of the last residual block's activations (`leaky_re_lu_37` at 650×650: 21×21×256 → 256), the
 * vector the classifier head `dense_1` reads (dropout is the identity at inference). Computed by
 * the compute engine in inference mode (BN moving statistics), so a head fitted on them is exact
 * for `predict`.
 */
import * as tf from '@tensorflow/tfjs';
import type { ImageRef } from '../data/imageRef';
import { loadNetworkBatch } from '../data/loadNetworkBatch';
import type { DensityEngine } from '../engine/densityEngine';
import { createProgress, type ProgressOptions } from '../progress/createProgress';

/**
 * The layer whose spatial mean the classifier reads: the input of the global-average-pooling
 * layer, looking through Dropout layers.
 * @throws Error when the model has no single GlobalAveragePooling2D layer.
 */
export function pooledFeatureLayer(model: tf.LayersModel): string {
  const pools = model.layers.filter((l) => l.getClassName() === 'GlobalAveragePooling2D');
  if (pools.length !== 1) {
    throw new Error(`expected one GlobalAveragePooling2D layer, found ${pools.length}`);
  }
  let layer = pools[0].inboundNodes[0].inboundLayers[0];
  while (layer.getClassName() === 'Dropout') layer = layer.inboundNodes[0].inboundLayers[0];
  return layer.name;
}

/** Options of {@link extractPooledFeatures}. */
export interface ExtractPooledFeaturesOptions {
  /** Model input `[height, width]` (from the metadata). */
  inputSize: [number, number];
  /** The layer to average (see {@link pooledFeatureLayer}). */
  layer: string;
  /** Images per forward pass. Default 4. */
  batchSize?: number;
  /** Progress sink. Default `auto`. */
  progress?: ProgressOptions['sink'];
}

/** Pooled features and the engine's class scores of every image, in input order. */
export interface PooledFeatures {
  /** Row-major `[n, d]` float32 features. */
  features: Float32Array;
  /** Feature length d (the layer's channels). */
  dim: number;
  /** Row-major `[n, k]` class scores (logits) of the full network, for checking. */
  logits: Float32Array;
}

/** Spatial mean of NHWC `[n, h, w, d]` activations, in float64 sums. */
function spatialMean(data: Float32Array, [n, h, w, d]: number[]): Float32Array {
  const out = new Float32Array(n * d);
  const sums = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let p = 0; p < h * w; p++) {
      const base = (i * h * w + p) * d;
      for (let c = 0; c < d; c++) sums[c] += data[base + c];
    }
    for (let c = 0; c < d; c++) out[i * d + c] = sums[c] / (h * w);
  }
  return out;
}

/** Decode and preprocess one batch, as `predict` does; float32 NHWC values. */
async function loadInputs(items: ReadonlyArray<ImageRef>, inputSize: [number, number]) {
  const x = await loadNetworkBatch(items, inputSize);
  try {
    return (await x.data()) as Float32Array;
  } finally {
    x.dispose();
  }
}

/**
 * Run `engine` over `items` and return the pooled features of each.
 * @param items Images (any readable format), in the order of the rows.
 * @param engine The model's engine (not disposed here).
 * @throws InputError naming a file that cannot be read; RangeError when the layer's output is
 *   not `[n, h, w, d]`.
 */
export async function extractPooledFeatures(
  items: ReadonlyArray<ImageRef>,
  engine: DensityEngine,
  options: ExtractPooledFeaturesOptions,
): Promise<PooledFeatures> {
  const batchSize = options.batchSize ?? 4;
  tf.util.assert(items.length > 0, () => 'extractPooledFeatures: expected at least one image');
  const progress = createProgress({
    total: items.length,
    label: 'features',
    unit: 'images',
    sink: options.progress ?? 'auto',
  });
  const rows: Float32Array[] = [];
  const logits: Float32Array[] = [];
  let dim = 0;
  try {
    for (let b = 0; b < items.length; b += batchSize) {
      const batch = items.slice(b, b + batchSize);
      const input = await loadInputs(batch, options.inputSize);
      const r = await engine.forward(input, batch.length, [options.layer]);
      const a = r.activations[options.layer];
      if (a.shape.length !== 4 || a.shape[0] !== batch.length) {
        throw new RangeError(
          `extractPooledFeatures: expected ${options.layer} as [${batch.length}, h, w, d], got [${a.shape.join(', ')}]`,
        );
      }
      dim = a.shape[3];
      rows.push(spatialMean(a.data, a.shape));
      logits.push(r.logits);
      progress.update(Math.min(b + batchSize, items.length));
    }
  } finally {
    progress.stop();
  }
  const concat = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) (out.set(p, at), (at += p.length));
    return out;
  };
  return { features: concat(rows), dim, logits: concat(logits) };
}
