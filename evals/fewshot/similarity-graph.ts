import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function tensorInfo(name: string, elementType: number, dims: Array<number | string>) {
  return {
    name,
    type: { tensorType: { elemType: elementType, shape: { dim: dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) } } },
  };
}

/**
 * scores = queries · supportᵀ (Gemm, MLAS's SGEMM), then TopK along the support axis — the whole
 * retrieval step of RICES as one onnxruntime call per block, so JavaScript never loops over pairs.
 * With `topK` false the graph is the bare product, the arithmetic floor the benchmark compares with.
 */
export function similarityGraph(dimension: number, topK: boolean): Uint8Array {
  const nodes = [{ opType: 'Gemm', name: 'scores', input: ['queries', 'support'], output: ['scores'], attribute: [{ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] }];
  const outputs = [tensorInfo('scores', FLOAT, ['queries', 'support'])];
  const inputs = [tensorInfo('queries', FLOAT, ['queries', dimension]), tensorInfo('support', FLOAT, ['support', dimension])];
  if (topK) {
    inputs.push(tensorInfo('k', INT64, [1]));
    nodes.push({
      opType: 'TopK',
      name: 'top',
      input: ['scores', 'k'],
      output: ['values', 'indices'],
      attribute: [
        { name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: -1 },
        { name: 'largest', type: onnx.AttributeProto.AttributeType.INT, i: 1 },
        { name: 'sorted', type: onnx.AttributeProto.AttributeType.INT, i: 1 },
      ],
    });
    outputs.splice(0, 1, tensorInfo('values', FLOAT, ['queries', 'k']), tensorInfo('indices', INT64, ['queries', 'k']));
  }
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'emu-eval rices',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: topK ? 'similarity_top_k' : 'similarity', node: nodes, input: inputs, output: outputs },
  }).finish();
}
