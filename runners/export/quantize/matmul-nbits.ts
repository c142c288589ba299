// The graph side of weight-only quantization: one com.microsoft.MatMulNBits node in place of a MatMul,
// with the packed weight, its scales and (asymmetric) zero points as initializers named like the
// reference quantizer's (`<weight>_Q4`, `<weight>_scales`, `<weight>_zero_points`). The weight is read
// and quantized only when the writer reaches the first of those initializers, and forgotten after the
// last, so a streamed export still holds about one tensor at a time.
import { blocksPerColumn, checkBlockQuantization, quantizeBlockwise, zeroPointBytesPerColumn, type BlockQuantization, type QuantizedMatrix } from './block-quantize.js';
import onnxProto from 'onnx-proto';

const { DataType } = onnxProto.onnx.TensorProto;
const MICROSOFT_DOMAIN = 'com.microsoft';

/**
 * What the node needs of a graph. GraphBuilder (graph-builder.ts) provides it; it is declared here
 * because graph-builder.ts emits these nodes, and imports go one way.
 */
export interface QuantizedNodeGraph {
  derived(initializer: { name: string; dims: number[]; dataType: number; parameters: number; encode: () => Promise<Uint8Array> }): string;
  op(opType: string, inputs: string[], attributes: Record<string, { int: number }>, outputName: string | undefined, domain: string): string;
}

export interface QuantizedWeight {
  /** The weight's Hugging Face name, as for an unquantized MatMul. */
  name: string;
  K: number;
  N: number;
  /** B as MatMul takes it, [K, N]. */
  values: Float32Array | (() => Promise<Float32Array>);
  settings: BlockQuantization;
}

export function addMatMulNBits(graph: QuantizedNodeGraph, input: string, weight: QuantizedWeight, outputName?: string): string {
  const { name, K, N, settings } = weight;
  checkBlockQuantization(settings);
  const blocks = blocksPerColumn(K, settings.blockSize);
  const blobSize = (settings.blockSize * settings.bits) / 8;
  const parts = settings.symmetric ? 2 : 3;
  let pending: Promise<QuantizedMatrix> | undefined;
  let taken = 0;
  // Each of the parts takes its bytes from one shared quantization, computed on first use.
  const part = (pick: (matrix: QuantizedMatrix) => Uint8Array) => async () => {
    pending ??= (async () => {
      const values = typeof weight.values === 'function' ? await weight.values() : weight.values;
      if (values.length !== K * N) throw new Error(`weight ${name}: ${values.length} values for dims [${K},${N}]`);
      return quantizeBlockwise(values, K, N, settings);
    })();
    const matrix = await pending;
    if (++taken === parts) pending = undefined;
    return pick(matrix);
  };
  const inputs = [
    input,
    graph.derived({ name: `${name}_Q${settings.bits}`, dims: [N, blocks, blobSize], dataType: DataType.UINT8, parameters: K * N, encode: part((matrix) => matrix.packed) }),
    graph.derived({ name: `${name}_scales`, dims: [N * blocks], dataType: DataType.FLOAT, parameters: 0, encode: part((matrix) => new Uint8Array(matrix.scales.buffer, matrix.scales.byteOffset, matrix.scales.byteLength)) }),
  ];
  if (!settings.symmetric) {
    const dims = [N * zeroPointBytesPerColumn(blocks, settings.bits)];
    inputs.push(graph.derived({ name: `${name}_zero_points`, dims, dataType: DataType.UINT8, parameters: 0, encode: part((matrix) => matrix.zeroPoints!) }));
  }
  // accuracy_level stays unset (0): A is used as float32, the most accurate of onnxruntime's CPU paths.
  return graph.op('MatMulNBits', inputs, { K: { int: K }, N: { int: N }, bits: { int: settings.bits }, block_size: { int: settings.blockSize } }, outputName, MICROSOFT_DOMAIN);
}
