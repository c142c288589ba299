// A thin layer over onnx-proto that keeps the tiny-emu graph files readable: named weights, auto-named
// intermediate values, and serialization with optional external data (the `.onnx_data` layout that
// large exports use), so the runner's external-data path is exercised by the default model.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type NodeProto = onnxProto.onnx.INodeProto;
type AttributeProto = onnxProto.onnx.IAttributeProto;
type TensorProto = onnxProto.onnx.ITensorProto;
type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

export const ElementType = {
  float: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
} as const;
export type ElementTypeCode = (typeof ElementType)[keyof typeof ElementType];

export type AttributeValue = { int: number } | { ints: number[] } | { float: number };

interface Initializer {
  name: string;
  dims: number[];
  dataType: ElementTypeCode;
  bytes: Uint8Array;
}

/** Tensors at least this large go to the external data file; small constants stay inline like exporters do. */
const EXTERNAL_DATA_THRESHOLD_BYTES = 1024;
/** Offsets aligned for memory mapping, as onnx's external-data writer does for large tensors. */
const EXTERNAL_DATA_ALIGNMENT = 4096;

export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private valueCounter = 0;

  constructor(private readonly graphName: string) {}

  input(name: string, elementType: ElementTypeCode, dims: Array<number | string>): string {
    this.inputs.push(valueInfo(name, elementType, dims));
    return name;
  }

  output(name: string, elementType: ElementTypeCode, dims: Array<number | string>): void {
    this.outputs.push(valueInfo(name, elementType, dims));
  }

  weight(name: string, dims: number[], values: Float32Array): string {
    const expected = dims.reduce((product, dim) => product * dim, 1);
    if (values.length !== expected) throw new Error(`weight ${name}: ${values.length} values for dims [${dims}]`);
    this.initializers.push({ name, dims, dataType: ElementType.float, bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
    return name;
  }

  int64s(values: number[], dims: number[] = [values.length]): string {
    const name = `constant_${this.valueCounter++}`;
    const data = BigInt64Array.from(values, (value) => BigInt(value));
    this.initializers.push({ name, dims, dataType: ElementType.int64, bytes: new Uint8Array(data.buffer) });
    return name;
  }

  float(value: number): string {
    const name = `constant_${this.valueCounter++}`;
    this.initializers.push({ name, dims: [], dataType: ElementType.float, bytes: new Uint8Array(Float32Array.of(value).buffer) });
    return name;
  }

  /** Adds a node and returns its output name: `outputName` when the value is a graph output, else a fresh one. */
  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputName?: string): string {
    const output = outputName ?? `${opType.toLowerCase()}_${this.valueCounter++}`;
    this.nodes.push({
      opType,
      name: `${opType}_${this.nodes.length}`,
      input: inputs,
      output: [output],
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return output;
  }

  /** Serializes the model; with `externalDataName`, large weights go to that sibling file instead. */
  serialize(opset: number, externalDataName?: string): { model: Uint8Array; externalData?: Uint8Array } {
    const chunks: Uint8Array[] = [];
    let offset = 0;
    const tensors: TensorProto[] = this.initializers.map((initializer) => {
      const tensor: TensorProto = { name: initializer.name, dims: initializer.dims, dataType: initializer.dataType };
      if (externalDataName === undefined || initializer.bytes.byteLength < EXTERNAL_DATA_THRESHOLD_BYTES) {
        tensor.rawData = initializer.bytes;
        return tensor;
      }
      const padding = (EXTERNAL_DATA_ALIGNMENT - (offset % EXTERNAL_DATA_ALIGNMENT)) % EXTERNAL_DATA_ALIGNMENT;
      if (padding > 0) chunks.push(new Uint8Array(padding));
      offset += padding;
      tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
      tensor.externalData = [
        { key: 'location', value: externalDataName },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(initializer.bytes.byteLength) },
      ];
      chunks.push(initializer.bytes);
      offset += initializer.bytes.byteLength;
      return tensor;
    });
    const model = onnx.ModelProto.encode({
      irVersion: 8,
      producerName: 'emu-eval tiny-emu',
      opsetImport: [{ domain: '', version: opset }],
      graph: { name: this.graphName, node: this.nodes, initializer: tensors, input: this.inputs, output: this.outputs },
    }).finish();
    if (externalDataName === undefined) return { model };
    return { model, externalData: Buffer.concat(chunks) };
  }
}

function valueInfo(name: string, elementType: ElementTypeCode, dims: Array<number | string>): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: elementType,
        shape: { dim: dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue): AttributeProto {
  const types = onnx.AttributeProto.AttributeType;
  if ('ints' in value) return { name, type: types.INTS, ints: value.ints };
  if ('int' in value) return { name, type: types.INT, i: value.int };
  return { name, type: types.FLOAT, f: value.float };
}
