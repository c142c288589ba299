// A graph's input and output metadata read from its ModelProto, in the shape onnxruntime-node's
// InferenceSession reports it, so the decoder's interface can be read and checked without opening a
// session on it (the decode loop opens one session on the wrapped graph instead).
import onnxProto from 'onnx-proto';
import type { InferenceSession } from 'onnxruntime-node';

type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

const ELEMENT_TYPES: Record<number, InferenceSession.TensorValueMetadata['type']> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
};

export interface SessionMetadata {
  inputMetadata: readonly InferenceSession.ValueMetadata[];
  outputMetadata: readonly InferenceSession.ValueMetadata[];
}

export function graphMetadata(graph: onnxProto.onnx.IGraphProto): SessionMetadata {
  const initializers = new Set((graph.initializer ?? []).map((initializer) => initializer.name));
  return {
    inputMetadata: (graph.input ?? []).filter((input) => !initializers.has(input.name)).map(valueMetadata),
    outputMetadata: (graph.output ?? []).map(valueMetadata),
  };
}

function valueMetadata(value: ValueInfoProto): InferenceSession.ValueMetadata {
  const tensorType = value.type?.tensorType;
  const name = value.name ?? '';
  const type = tensorType ? ELEMENT_TYPES[tensorType.elemType ?? 0] : undefined;
  if (!tensorType || !type) return { name, isTensor: false };
  const shape = (tensorType.shape?.dim ?? []).map((dim, index) => (dim.dimValue !== undefined && dim.dimValue !== null && Number(dim.dimValue) > 0 ? Number(dim.dimValue) : (dim.dimParam ?? `unk_${index}`)));
  return { name, isTensor: true, type, shape };
}
