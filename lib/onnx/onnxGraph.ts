/**
 * A small in-memory form of an ONNX graph (nodes, initializers, inputs, outputs), the one
 * description of the density network that every graph of the project is built from: the
 * inference export, the backward (vector–Jacobian) graphs of Grad-CAM and saliency, and the
 * training-step graphs. {@link encodeOnnxModel} serialises it as an ONNX `ModelProto`.
 *
 * Layout and naming conventions (see docs in `exportDensityOnnx`):
 * - tensors are NCHW as ONNX operators expect; the graph input is NHWC and transposed first;
 * - a value is named after the Keras layer whose output it is (`add_12`, `leaky_re_lu_37`);
 *   a node is named after the Keras layer it implements;
 * - parameters are initializers named `<layer>/<weight>` (`conv2d_1/kernel`, ONNX layout).
 */

/** An attribute value with its ONNX type. */
export type OnnxAttribute =
  | { type: 'int'; value: number }
  | { type: 'ints'; value: number[] }
  | { type: 'float'; value: number }
  | { type: 'floats'; value: number[] }
  | { type: 'string'; value: string };

/** One operator application. */
export interface OnnxNode {
  /** ONNX operator type, e.g. `Conv`, `LeakyRelu`, `ConvTranspose`. */
  op: string;
  /** Unique node name (the Keras layer name for nodes that implement a layer). */
  name: string;
  /** Input value names, in the operator's order; `''` for an omitted optional input. */
  inputs: string[];
  /** Output value names. */
  outputs: string[];
  /** Attributes by name. */
  attributes?: Record<string, OnnxAttribute>;
  /** Operator domain; default the ONNX standard domain `''`. */
  domain?: string;
  /** Free text (e.g. which Keras layers a folded node covers). */
  doc?: string;
}

/** A constant tensor of the graph (weights, shapes). Data is row-major in `dims` order. */
export type OnnxInitializer =
  | { name: string; dtype: 'float32'; dims: number[]; data: Float32Array }
  | { name: string; dtype: 'int64'; dims: number[]; data: BigInt64Array };

/** Type and shape of a graph input or output; a string dimension is symbolic (`N`). */
export interface OnnxValueInfo {
  name: string;
  dtype: 'float32' | 'int64';
  shape: (number | string)[];
}

/** A whole graph. Nodes are in topological order (every input is produced before use). */
export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** Model-level description, written as the ModelProto doc string. */
  doc?: string;
}

/** Integer attribute. */
export const intAttr = (value: number): OnnxAttribute => ({ type: 'int', value });
/** Integer-list attribute. */
export const intsAttr = (value: number[]): OnnxAttribute => ({ type: 'ints', value });
/** Float attribute. */
export const floatAttr = (value: number): OnnxAttribute => ({ type: 'float', value });
