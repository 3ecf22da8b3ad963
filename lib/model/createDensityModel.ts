/**
 * The original breast-density ResNet (Keras 2.2.4), layer for layer.
 *
 * Architecture (input H×W×3, default 650×650):
 * - stem: Conv2D 64 3×3 stride 2 `same` → BatchNorm → LeakyReLU(0.3) → MaxPool 3×3 stride 2 `same`;
 * - 4 stages of 3 bottleneck residual modules: stage 1 width 64 → 128 channels (first module
 *   projects, stride 1); stages 2–4 width 128 → 256 channels, first module stride 2;
 *   module: Conv 1×1 (width) → BN → LReLU → Conv 3×3 (width, stride) → BN → LReLU → Conv 1×1 (out)
 *   → BN; shortcut = input, or Conv 1×1 (out, stride) → BN; output LReLU(Add([shortcut, main]));
 * - head: Dropout 0.2 → GlobalAveragePooling2D → Dense 4 softmax.
 *
 * At 650×650: 2,262,660 parameters (2,249,988 trainable, 12,672 non-trainable: the BN moving
 * statistics); `add_12` outputs 21×21×256. Layer names and creation order are those of the
 * original (`conv2d_1`…`conv2d_41`, `batch_normalization_1`…`_41`, `leaky_re_lu_1`…`_37`,
 * `max_pooling2d_1`, `add_1`…`add_12`, `dropout_1`, `global_average_pooling2d_1`, `dense_1`;
 * a module's shortcut conv is created after its three main convs), so Keras weights map by name.
 *
 * Reference: K. He, X. Zhang, S. Ren, J. Sun, "Deep Residual Learning for Image Recognition",
 * CVPR 2016 (bottleneck modules); the breast-density use case of A. Lizzi, F. Lizzi et al.,
 * INFN / University of Pisa.
 */
import * as tf from '@tensorflow/tfjs';
import { CLASS_NAMES, KERAS_DEFAULTS } from './constants';

/** Options of {@link createDensityModel}. */
export interface DensityModelOptions {
  /** Input height and width in pixels; a number means square. Default 650. Minimum 32. */
  inputSize?: number | [number, number];
  /** Number of output classes. Default 4 (A–D). */
  numClasses?: number;
  /** Seed of the glorot-uniform kernel initialisers, for reproducible weights. Default: random. */
  seed?: number;
  /** Output activation: `softmax` (the original) or `linear` (logits, for Grad-CAM). Default softmax. */
  headActivation?: 'softmax' | 'linear';
}

/** Stage layout of the original network: [bottleneck width, output channels, first stride]. */
export const RESNET_STAGES: ReadonlyArray<readonly [number, number, number]> = [
  [64, 128, 1],
  [128, 256, 2],
  [128, 256, 2],
  [128, 256, 2],
];
/** Residual modules per stage. */
export const MODULES_PER_STAGE = 3;

/** Normalise an input-size option to `[height, width]`, checking it. */
export function resolveInputSize(size: number | [number, number] | undefined): [number, number] {
  const [h, w] = size === undefined ? [650, 650] : typeof size === 'number' ? [size, size] : size;
  for (const v of [h, w]) {
    tf.util.assert(
      Number.isInteger(v) && v >= 32,
      () => `input size must be whole numbers of at least 32 pixels, got ${JSON.stringify(size)}`,
    );
  }
  return [h, w];
}

/** Keras-style per-class counters, so names come out as `conv2d_1`, `conv2d_2`, … */
class LayerNamer {
  private readonly counts = new Map<string, number>();
  next(prefix: string): string {
    const n = (this.counts.get(prefix) ?? 0) + 1;
    this.counts.set(prefix, n);
    return `${prefix}_${n}`;
  }
}

/**
 * Build the original breast-density ResNet as a TF.js Layers model (weights freshly initialised:
 * glorot-uniform kernels, zero biases, BN gamma 1 / beta 0 / mean 0 / variance 1).
 *
 * @param options Input size, classes, seed, head activation.
 * @returns A new `tf.LayersModel`, input `[batch, H, W, 3]` float32 (preprocessed, see
 *   `preprocessImage`), output `[batch, numClasses]` probabilities (softmax) or logits (linear).
 *   The caller owns it and disposes it with `model.dispose()`.
 */
export function createDensityModel(options: DensityModelOptions = {}): tf.LayersModel {
  const [height, width] = resolveInputSize(options.inputSize);
  const numClasses = options.numClasses ?? CLASS_NAMES.length;
  tf.util.assert(
    Number.isInteger(numClasses) && numClasses >= 2,
    () => `numClasses must be an integer ≥ 2, got ${numClasses}`,
  );
  const names = new LayerNamer();
  let seedCounter = options.seed;
  const kernelInitializer = (): ReturnType<typeof tf.initializers.glorotUniform> =>
    tf.initializers.glorotUniform(seedCounter === undefined ? {} : { seed: seedCounter++ });

  const conv = (filters: number, kernel: number, stride: number) =>
    tf.layers.conv2d({
      name: names.next('conv2d'),
      filters,
      kernelSize: kernel,
      strides: stride,
      padding: 'same',
      useBias: true,
      kernelInitializer: kernelInitializer(),
      biasInitializer: 'zeros',
    });
  const bn = () =>
    tf.layers.batchNormalization({
      name: names.next('batch_normalization'),
      axis: -1,
      epsilon: KERAS_DEFAULTS.bnEpsilon,
      momentum: KERAS_DEFAULTS.bnMomentum,
    });
  const lrelu = () =>
    tf.layers.leakyReLU({ name: names.next('leaky_re_lu'), alpha: KERAS_DEFAULTS.leakyAlpha });

  const input = tf.input({ shape: [height, width, 3], name: 'input_1' });
  let x = conv(64, 3, 2).apply(input) as tf.SymbolicTensor;
  x = bn().apply(x) as tf.SymbolicTensor;
  x = lrelu().apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .maxPooling2d({ name: names.next('max_pooling2d'), poolSize: 3, strides: 2, padding: 'same' })
    .apply(x) as tf.SymbolicTensor;

  let channels = 64;
  for (const [stageIndex, [widthCh, outCh, firstStride]] of RESNET_STAGES.entries()) {
    for (let m = 0; m < MODULES_PER_STAGE; m++) {
      const stride = m === 0 ? firstStride : 1;
      const project = (stageIndex === 0 && m === 0) || stride !== 1 || channels !== outCh;
      // Main branch: three convs first (Keras creation order), then the shortcut.
      let y = conv(widthCh, 1, 1).apply(x) as tf.SymbolicTensor;
      y = bn().apply(y) as tf.SymbolicTensor;
      y = lrelu().apply(y) as tf.SymbolicTensor;
      y = conv(widthCh, 3, stride).apply(y) as tf.SymbolicTensor;
      y = bn().apply(y) as tf.SymbolicTensor;
      y = lrelu().apply(y) as tf.SymbolicTensor;
      const mainConv = conv(outCh, 1, 1);
      let shortcut = x;
      if (project) {
        const scConv = conv(outCh, 1, stride);
        y = mainConv.apply(y) as tf.SymbolicTensor;
        const mainBn = bn();
        const scBn = bn();
        y = mainBn.apply(y) as tf.SymbolicTensor;
        shortcut = scBn.apply(scConv.apply(x)) as tf.SymbolicTensor;
      } else {
        y = mainConv.apply(y) as tf.SymbolicTensor;
        y = bn().apply(y) as tf.SymbolicTensor;
      }
      x = tf.layers.add({ name: names.next('add') }).apply([shortcut, y]) as tf.SymbolicTensor;
      x = lrelu().apply(x) as tf.SymbolicTensor;
      channels = outCh;
    }
  }
  x = tf.layers
    .dropout({ name: names.next('dropout'), rate: KERAS_DEFAULTS.dropoutRate })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .globalAveragePooling2d({ name: names.next('global_average_pooling2d') })
    .apply(x) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({
      name: names.next('dense'),
      units: numClasses,
      activation: options.headActivation ?? 'softmax',
      kernelInitializer: kernelInitializer(),
      biasInitializer: 'zeros',
    })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'breast_density_resnet' });
}
