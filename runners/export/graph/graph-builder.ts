// A thin layer over onnx-proto that keeps hand-built graphs readable: named weights, auto-named
// intermediate values, and serialization with external data (the `.onnx_data` layout large exports use).
// Used by the tiny-emu builder (weights in memory) and by `emu-eval export` (weights streamed from a
// checkpoint one tensor at a time by ../writer/write-graph.ts, so a 13B model never sits in memory).
import onnxProto from 'onnx-proto';
import { float32ArrayToFloat16Bits } from '../../onnx/float16.js';
import type { BlockQuantization } from '../quantize/block-quantize.js';
import { addMatMulNBits } from '../quantize/matmul-nbits.js';

const { onnx } = onnxProto;
type NodeProto = onnxProto.onnx.INodeProto;
type AttributeProto = onnxProto.onnx.IAttributeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

export const ElementType = {
  float: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
  uint8: onnx.TensorProto.DataType.UINT8,
} as const;
export type ElementTypeCode = (typeof ElementType)[keyof typeof ElementType];

/** The float type weights are stored in and activations flow in; norms and softmax may still run in float32. */
export type Precision = 'float32' | 'float16';

export type AttributeValue = { int: number } | { ints: number[] } | { float: number };

/** A weight's values, or a loader that produces them when the writer reaches that weight. */
export type WeightValues = Float32Array | (() => Promise<Float32Array>);

/**
 * Where a graph's weights come from, by their Hugging Face names. `linear` weights are asked for in the
 * layout MatMul uses, `[inputs, outputs]` (the transpose of nn.Linear's `[out, in]`); others as stored.
 */
export type WeightSource = (name: string, dims: number[], kind: 'linear' | 'tensor') => WeightValues;

export interface Initializer {
  name: string;
  dims: number[];
  dataType: ElementTypeCode;
  /** Present for constants and in-memory weights. */
  bytes?: Uint8Array;
  /** Present for streamed weights: read only when written, then dropped. */
  load?: () => Promise<Float32Array>;
  /** Present for weights derived when written (quantized ones): their bytes as stored. */
  encode?: () => Promise<Uint8Array>;
  /** Checkpoint parameters an `encode` weight stands for (a packed matrix: K·N; its scales: 0). */
  parameters?: number;
}

/** Tensors at least this large go to the external data file; small constants stay inline like exporters do. */
export const EXTERNAL_DATA_THRESHOLD_BYTES = 1024;
/** Offsets aligned for memory mapping, as onnx's external-data writer does for large tensors. */
export const EXTERNAL_DATA_ALIGNMENT = 4096;

export interface GraphOptions {
  precision?: Precision;
  producerName?: string;
  /**
   * Weight-only quantization: MatMul weights become com.microsoft.MatMulNBits with these settings,
   * activations stay float32 (`precision` must be float32), and the other float weights are stored as
   * in the float16 export (see `weight`).
   */
  quantization?: BlockQuantization;
}


export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializerList: Initializer[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private valueCounter = 0;
  private readonly domains = new Set<string>();
  readonly precision: Precision;
  readonly quantization?: BlockQuantization;
  /** The element type of weights and activations: float, or float16 in a float16 export. */
  readonly floatType: ElementTypeCode;
  private readonly producerName: string;
  /** What the builder decided that the user should hear (a preferred form the model's shape rules out). */
  readonly notes: string[] = [];

  constructor(
    private readonly graphName: string,
    options: GraphOptions = {},
  ) {
    this.precision = options.precision ?? 'float32';
    this.floatType = this.precision === 'float16' ? ElementType.float16 : ElementType.float;
    this.producerName = options.producerName ?? 'emu-eval';
    this.quantization = options.quantization;
    if (this.quantization && this.precision !== 'float32') throw new Error(`graph ${graphName}: quantized graphs run float32 activations`);
  }

  /** How float weights without an explicit precision are stored: float16 in a quantized graph, else the graph's precision. */
  get storagePrecision(): Precision {
    return this.quantization ? 'float16' : this.precision;
  }

  /** Whether any node runs this operator. */
  hasOperator(opType: string): boolean {
    return this.nodes.some((node) => node.opType === opType);
  }

  get initializers(): readonly Initializer[] {
    return this.initializerList;
  }

  input(name: string, elementType: ElementTypeCode, dims: Array<number | string>): string {
    this.inputs.push(valueInfo(name, elementType, dims));
    return name;
  }

  output(name: string, elementType: ElementTypeCode, dims: Array<number | string>): void {
    this.outputs.push(valueInfo(name, elementType, dims));
  }

  /**
   * A parameter, stored in the graph's precision unless `precision` says otherwise (LayerNorm scales stay
   * float32 in a float16 graph, since the norm runs in float32); a loader defers reading it until the writer needs it.
   * In a quantized graph a weight without an explicit precision (norm scales, biases, patch and position
   * embeddings) is stored float16 as in the float16 export and cast to float32 where used: onnxruntime
   * folds that Cast of a constant when the session loads, so it costs nothing per step.
   */
  weight(name: string, dims: number[], values: WeightValues, precision?: Precision): string {
    if (precision === undefined && this.storagePrecision !== this.precision) {
      return this.op('Cast', [this.weight(name, dims, values, this.storagePrecision)], { to: { int: this.floatType } });
    }
    const dataType = (precision ?? this.precision) === 'float16' ? ElementType.float16 : ElementType.float;
    if (typeof values === 'function') {
      this.initializerList.push({ name, dims, dataType, load: values });
      return name;
    }
    checkLength(name, dims, values);
    this.initializerList.push({ name, dims, dataType, bytes: encodeFloats(values, precision ?? this.precision) });
    return name;
  }

  /** An initializer whose bytes are produced when the writer reaches it (quantized weights). */
  derived(initializer: Required<Pick<Initializer, 'name' | 'dims' | 'dataType' | 'encode' | 'parameters'>>): string {
    this.initializerList.push(initializer);
    return initializer.name;
  }

  /**
   * input · W for a weight asked for as [inputs, outputs]: MatMul, or MatMulNBits in a quantized graph.
   * Unquantized graphs get exactly the nodes and initializers they had before quantization existed.
   */
  matmul(input: string, name: string, inputs: number, outputs: number, values: WeightValues, outputName?: string): string {
    if (this.quantization) return addMatMulNBits(this, input, { name, K: inputs, N: outputs, values, settings: this.quantization }, outputName);
    return this.op('MatMul', [input, this.weight(name, [inputs, outputs], values)], {}, outputName);
  }

  int64s(values: number[], dims: number[] = [values.length]): string {
    const name = `constant_${this.valueCounter++}`;
    const data = BigInt64Array.from(values, (value) => BigInt(value));
    this.initializerList.push({ name, dims, dataType: ElementType.int64, bytes: new Uint8Array(data.buffer) });
    return name;
  }

  /** A scalar in the graph's precision. */
  float(value: number): string {
    return this.scalar(value, this.precision);
  }

  /** A float32 scalar, for the parts that stay in float32 in a float16 graph (norm statistics, softmax). */
  float32(value: number): string {
    return this.scalar(value, 'float32');
  }

  private scalar(value: number, precision: Precision): string {
    const name = `constant_${this.valueCounter++}`;
    const dataType = precision === 'float16' ? ElementType.float16 : ElementType.float;
    this.initializerList.push({ name, dims: [], dataType, bytes: encodeFloats(Float32Array.of(value), precision) });
    return name;
  }

  /** Casts to float32 in a float16 graph (a no-op in a float32 graph): the input of a float32 island. */
  toFloat32(value: string): string {
    return this.precision === 'float32' ? value : this.op('Cast', [value], { to: { int: ElementType.float } });
  }

  /** Casts a float32 island's result back to the graph's precision. */
  fromFloat32(value: string): string {
    return this.precision === 'float32' ? value : this.op('Cast', [value], { to: { int: this.floatType } });
  }

  /** Adds a node and returns its output name: `outputName` when the value is a graph output, else a fresh one. */
  op(opType: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputName?: string, domain?: string): string {
    return this.node(opType, inputs, [outputName ?? null], attributes, domain)[0];
  }

  /**
   * Adds a node with several outputs and returns their names: per output, the given name (a graph
   * output), a fresh name for `null`, or `''` for an optional output that is not produced.
   * Optional inputs that are left out are passed as `''` too, as ONNX requires.
   */
  node(opType: string, inputs: string[], outputNames: Array<string | null>, attributes: Record<string, AttributeValue> = {}, domain?: string): string[] {
    const outputs = outputNames.map((name) => name ?? `${opType.toLowerCase()}_${this.valueCounter++}`);
    if (domain) this.domains.add(domain);
    this.nodes.push({
      ...(domain ? { domain } : {}),
      opType,
      name: `${opType}_${this.nodes.length}`,
      input: inputs,
      output: outputs,
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return outputs;
  }

  /** Serializes a graph whose weights are all in memory; with `externalDataName`, large weights go to that sibling file. */
  serialize(opset: number, externalDataName?: string): { model: Uint8Array; externalData?: Uint8Array } {
    const chunks: Uint8Array[] = [];
    let offset = 0;
    const tensors: TensorProto[] = this.initializerList.map((initializer) => {
      if (!initializer.bytes) throw new Error(`weight ${initializer.name} is streamed or derived: write this graph with writeGraph()`);
      if (externalDataName === undefined || !isExternal(initializer.bytes.byteLength)) return inlineTensor(initializer, initializer.bytes);
      const padding = alignmentPadding(offset);
      if (padding > 0) chunks.push(new Uint8Array(padding));
      offset += padding;
      chunks.push(initializer.bytes);
      const tensor = externalTensor(initializer, externalDataName, offset, initializer.bytes.byteLength);
      offset += initializer.bytes.byteLength;
      return tensor;
    });
    const model = this.encode(opset, tensors);
    if (externalDataName === undefined) return { model };
    return { model, externalData: Buffer.concat(chunks) };
  }

  /** The model proto around the given initializer protos (in the order of `initializers`). */
  encode(opset: number, tensors: TensorProto[]): Uint8Array {
    return onnx.ModelProto.encode({
      irVersion: 8,
      producerName: this.producerName,
      opsetImport: [{ domain: '', version: opset }, ...[...this.domains].sort().map((domain) => ({ domain, version: 1 }))],
      graph: { name: this.graphName, node: this.nodes, initializer: tensors, input: this.inputs, output: this.outputs },
    }).finish();
  }
}

export function isExternal(byteLength: number): boolean {
  return byteLength >= EXTERNAL_DATA_THRESHOLD_BYTES;
}

export function alignmentPadding(offset: number): number {
  return (EXTERNAL_DATA_ALIGNMENT - (offset % EXTERNAL_DATA_ALIGNMENT)) % EXTERNAL_DATA_ALIGNMENT;
}

export function inlineTensor(initializer: Initializer, bytes: Uint8Array): TensorProto {
  return { name: initializer.name, dims: initializer.dims, dataType: initializer.dataType, rawData: bytes };
}

export function externalTensor(initializer: Initializer, location: string, offset: number, length: number): TensorProto {
  return {
    name: initializer.name,
    dims: initializer.dims,
    dataType: initializer.dataType,
    dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ],
  };
}

/** Bytes per element of the initializer types the exporter writes. */
export function bytesPerElement(dataType: ElementTypeCode): number {
  if (dataType === ElementType.float16) return 2;
  if (dataType === ElementType.uint8 || dataType === ElementType.bool) return 1;
  return dataType === ElementType.int64 ? 8 : 4;
}

export function precisionOf(initializer: Initializer): Precision {
  return initializer.dataType === ElementType.float16 ? 'float16' : 'float32';
}

export function checkLength(name: string, dims: readonly number[], values: Float32Array): void {
  const expected = dims.reduce((product, dim) => product * dim, 1);
  if (values.length !== expected) throw new Error(`weight ${name}: ${values.length} values for dims [${dims}]`);
}

/** Little-endian bytes of the values in the given precision (a view, not a copy, for float32). */
export function encodeFloats(values: Float32Array, precision: Precision): Uint8Array {
  if (precision === 'float32') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return new Uint8Array(float32ArrayToFloat16Bits(values).buffer);
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
