/**
 * Floating-point operations of one forward pass, computed from a model's layers.
 *
 * Convention (the one of the GFLOP figures quoted for CNNs, e.g. He et al. 2016 count
 * multiply-adds; here one multiply-add = 2 FLOPs): a convolution costs
 * 2·H_out·W_out·C_out·k_h·k_w·C_in FLOPs and a Dense layer 2·in·out per image. Element-wise work
 * (bias, BatchNorm, activations, Add, pooling) is reported separately as one FLOP per output
 * element (two for BatchNorm: scale and shift), and is not part of `total`.
 */
import type * as tf from '@tensorflow/tfjs';

/** FLOPs of one layer, per image. */
export interface LayerFlops {
  name: string;
  className: string;
  /** 2·multiply-adds (convolutions and Dense layers), 0 for other layers. */
  flops: number;
  /** Element-wise operations (see the module comment). */
  elementwise: number;
}

/** Result of {@link countFlops}. */
export interface FlopCount {
  /** Σ `flops` over layers: 2·multiply-adds per image. */
  total: number;
  /** Σ `elementwise` over layers, per image. */
  elementwise: number;
  /** Per layer, in model order. */
  layers: LayerFlops[];
}

function dims(shape: unknown, layer: string): number[] {
  const s = (Array.isArray(shape) && Array.isArray(shape[0]) ? shape[0] : shape) as (
    number | null
  )[];
  if (!Array.isArray(s) || s.slice(1).some((d) => typeof d !== 'number')) {
    throw new Error(
      `countFlops: layer ${layer} has no fully known shape (got ${JSON.stringify(shape)})`,
    );
  }
  return s.slice(1) as number[];
}

function inputDims(layer: tf.layers.Layer): number[] {
  const input = layer.input as tf.SymbolicTensor | tf.SymbolicTensor[];
  return dims(Array.isArray(input) ? input[0].shape : input.shape, layer.name);
}

const product = (xs: number[]): number => xs.reduce((a, b) => a * b, 1);

/**
 * Count the FLOPs of one forward pass of one image.
 * @param model A built Layers model with fully known input size (e.g. from `createDensityModel`).
 * @returns Totals and per-layer counts. The 650×650 density network: ≈ 21.6 GFLOP.
 */
export function countFlops(model: tf.LayersModel): FlopCount {
  const layers: LayerFlops[] = model.layers.map((layer) => {
    const cls = layer.getClassName();
    const cfg = layer.getConfig();
    let flops = 0;
    let elementwise = 0;
    if (cls === 'InputLayer') return { name: layer.name, className: cls, flops, elementwise };
    const out = dims(layer.outputShape, layer.name);
    const outElems = product(out);
    switch (cls) {
      case 'Conv2D': {
        const inp = inputDims(layer);
        const [kh, kw] = Array.isArray(cfg.kernelSize)
          ? (cfg.kernelSize as number[])
          : [cfg.kernelSize as number, cfg.kernelSize as number];
        const cin = cfg.dataFormat === 'channelsFirst' ? inp[0] : inp[inp.length - 1];
        flops = 2 * outElems * kh * kw * cin;
        elementwise = cfg.useBias === false ? 0 : outElems;
        break;
      }
      case 'Dense': {
        const inp = inputDims(layer);
        flops = 2 * product(inp) * out[out.length - 1];
        elementwise = cfg.useBias === false ? 0 : outElems;
        break;
      }
      case 'BatchNormalization':
        elementwise = 2 * outElems;
        break;
      case 'Add':
      case 'LeakyReLU':
      case 'ReLU':
      case 'Activation':
        elementwise = outElems;
        break;
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const ps = cfg.poolSize as number[] | number;
        const [ph, pw] = Array.isArray(ps) ? ps : [ps, ps];
        elementwise = outElems * ph * pw;
        break;
      }
      case 'GlobalAveragePooling2D':
        elementwise = product(inputDims(layer));
        break;
      default:
        break;
    }
    return { name: layer.name, className: cls, flops, elementwise };
  });
  return {
    total: layers.reduce((a, l) => a + l.flops, 0),
    elementwise: layers.reduce((a, l) => a + l.elementwise, 0),
    layers,
  };
}
