/**
 * Serialise an {@link OnnxGraph} as an ONNX `ModelProto` (protobuf), with the protobufjs schema of
 * the `onnx-proto` package. Opset {@link ONNX_OPSET} of the standard domain, IR version 8.
 */
import { onnx } from 'onnx-proto';
import type { OnnxAttribute, OnnxGraph, OnnxInitializer, OnnxValueInfo } from './onnxGraph';

/** Opset of the standard ONNX domain used by every graph of the project. */
export const ONNX_OPSET = 17;

const ELEM = { float32: onnx.TensorProto.DataType.FLOAT, int64: onnx.TensorProto.DataType.INT64 };

function attribute(name: string, a: OnnxAttribute): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case 'int':
      return { name, type: T.INT, i: a.value };
    case 'ints':
      return { name, type: T.INTS, ints: a.value };
    case 'float':
      return { name, type: T.FLOAT, f: a.value };
    case 'floats':
      return { name, type: T.FLOATS, floats: a.value };
    case 'string':
      return { name, type: T.STRING, s: new TextEncoder().encode(a.value) };
  }
}

function tensor(init: OnnxInitializer): onnx.ITensorProto {
  const expected = init.dims.reduce((p, d) => p * d, 1);
  if (init.data.length !== expected) {
    throw new Error(
      `encodeOnnxModel: initializer ${init.name} has ${init.data.length} values, dims [${init.dims.join(', ')}] need ${expected}`,
    );
  }
  // Little-endian raw bytes, as ONNX specifies (every platform Node runs on is little-endian).
  const raw = new Uint8Array(init.data.buffer, init.data.byteOffset, init.data.byteLength);
  return { name: init.name, dims: init.dims, dataType: ELEM[init.dtype], rawData: raw };
}

function valueInfo(v: OnnxValueInfo): onnx.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: ELEM[v.dtype],
        shape: {
          dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
        },
      },
    },
  };
}

/**
 * Encode a graph as ONNX model bytes.
 * @param graph The graph (not modified).
 * @returns A new `Uint8Array` holding the `.onnx` file contents, ready for
 *   `InferenceSession.create(bytes)` or to write to disk.
 * @throws Error when an initializer's data does not match its dims.
 */
export function encodeOnnxModel(graph: OnnxGraph): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: 8,
    opsetImport: [
      { domain: '', version: ONNX_OPSET },
      // ONNX Runtime's contrib operators (version 1), only when a node uses one.
      ...[...new Set(graph.nodes.map((n) => n.domain ?? ''))]
        .filter((d) => d !== '')
        .map((domain) => ({ domain, version: 1 })),
    ],
    producerName: 'breast-density',
    producerVersion: '0.1.0',
    docString: graph.doc ?? '',
    graph: {
      name: graph.name,
      node: graph.nodes.map((n) => ({
        opType: n.op,
        name: n.name,
        input: n.inputs,
        output: n.outputs,
        domain: n.domain ?? '',
        docString: n.doc ?? '',
        attribute: Object.entries(n.attributes ?? {}).map(([k, a]) => attribute(k, a)),
      })),
      initializer: graph.initializers.map(tensor),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  };
  return onnx.ModelProto.encode(model).finish();
}
