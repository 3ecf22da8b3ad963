/**
 * Which TF.js variable each parameter of a training graph is, and how to copy values between
 * the model (TF.js layout) and Float32Arrays in the graph's ONNX layout.
 */
import * as tf from '@tensorflow/tfjs';
import { permuteKernel } from '../onnx/permuteKernel';

/** A parameter of the graph bound to a TF.js variable. */
export interface BoundParameter {
  /** Graph input name `<layer>/<weight>`. */
  name: string;
  /** ONNX-layout shape (conv kernel OIHW). */
  shape: number[];
  /** The model's variable (TF.js layout, e.g. conv kernel HWIO). */
  variable: tf.LayerVariable;
  /** Whether the layouts differ (a 4-D conv kernel). */
  permuted: boolean;
}

/** Short Keras weight name of a variable (`conv2d_1/kernel` → `kernel`). */
function shortName(v: tf.LayerVariable): string {
  return (v.originalName ?? v.name).split('/').pop()!.replace(/_\d+$/, '');
}

/** Parameter values ↔ model variables for a density model and a graph's parameter list. */
export interface DensityParameterBinding {
  /** Bound parameters, in the graph's parameter order. */
  parameters: BoundParameter[];
  /** Read every parameter from the model, ONNX layout (new arrays). */
  read(): Float32Array[];
  /** Write values (ONNX layout, graph order) into the model's variables. */
  write(values: readonly Float32Array[]): void;
  /** One value in TF.js layout (a conv kernel permuted to HWIO; otherwise the same array). */
  toTfjs(index: number, value: Float32Array): Float32Array;
  /** One value from TF.js layout to ONNX layout. */
  fromTfjs(index: number, value: Float32Array): Float32Array;
}

/**
 * Bind graph parameters to a model's variables.
 * @param model The TF.js density model (kept; its variables are read and written).
 * @param parameters Graph parameters `{name, shape}` (ONNX layout), e.g. `TrainingGraph.parameters`.
 * @throws Error naming a parameter that has no variable, or a shape that does not match.
 */
export function bindDensityParameters(
  model: tf.LayersModel,
  parameters: readonly { name: string; shape: number[] }[],
): DensityParameterBinding {
  const byName = new Map<string, tf.LayerVariable>();
  for (const layer of model.layers)
    for (const v of layer.weights) byName.set(`${layer.name}/${shortName(v)}`, v);
  const bound = parameters.map((p): BoundParameter => {
    const variable = byName.get(p.name);
    if (!variable) throw new Error(`bindDensityParameters: the model has no variable ${p.name}`);
    const permuted = p.shape.length === 4;
    const expected = permuted ? [p.shape[2], p.shape[3], p.shape[1], p.shape[0]] : p.shape;
    if (variable.shape.join(',') !== expected.join(',')) {
      throw new Error(
        `bindDensityParameters: ${p.name} is [${variable.shape.join(', ')}] in the model, the graph expects [${expected.join(', ')}]`,
      );
    }
    return { name: p.name, shape: p.shape, variable, permuted };
  });
  const toTfjs = (i: number, value: Float32Array): Float32Array =>
    bound[i].permuted ? permuteKernel(value, bound[i].shape, 'hwio') : value;
  const fromTfjs = (i: number, value: Float32Array): Float32Array =>
    bound[i].permuted ? permuteKernel(value, bound[i].variable.shape as number[], 'oihw') : value;
  return {
    parameters: bound,
    read: () =>
      bound.map((b, i) =>
        fromTfjs(i, Float32Array.from(b.variable.read().dataSync() as Float32Array)),
      ),
    write: (values) => {
      if (values.length !== bound.length)
        throw new Error(`write: expected ${bound.length} values, got ${values.length}`);
      bound.forEach((b, i) => {
        const t = tf.tensor(toTfjs(i, values[i]), b.variable.shape as number[]);
        b.variable.write(t);
        t.dispose();
      });
    },
    toTfjs,
    fromTfjs,
  };
}
