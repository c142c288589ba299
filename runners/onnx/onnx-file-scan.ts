// Reads what the runner needs from an .onnx file without decoding it whole: initializer names, types
// and shapes, external-data references, and the quantized-weight nodes that change how parameters are
// counted. Weight bytes are skipped by seeking, so scanning a 2 GB file reads a few megabytes.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface InitializerInfo {
  name: string;
  dataType: number;
  dims: number[];
  elementCount: number;
  external?: { location: string; offset: number; length?: number };
}

export interface OnnxFileSummary {
  initializers: Map<string, InitializerInfo>;
  /** Packed quantized weights → how many parameters each stands for (MatMulNBits, GatherBlockQuantized). */
  quantizedParameterCounts: Map<string, number | { multiplier: number }>;
  /** Scales and zero points of quantized weights: bookkeeping, not parameters. */
  quantizationAuxiliaries: Set<string>;
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

class ProtoFileReader {
  private buffer = Buffer.alloc(1 << 20);
  private bufferStart = 0;
  private bufferEnd = 0;
  position = 0;

  constructor(
    private readonly descriptor: number,
    readonly size: number,
    private readonly file: string,
  ) {}

  private ensure(count: number): void {
    if (this.position >= this.bufferStart && this.position + count <= this.bufferEnd) return;
    if (count > this.buffer.length) this.buffer = Buffer.alloc(count);
    const read = readSync(this.descriptor, this.buffer, 0, this.buffer.length, this.position);
    this.bufferStart = this.position;
    this.bufferEnd = this.position + read;
    if (this.position + count > this.bufferEnd) throw new Error(`${this.file} is truncated or not an ONNX file (read past byte ${this.bufferEnd})`);
  }

  byte(): number {
    this.ensure(1);
    return this.buffer[this.position++ - this.bufferStart];
  }

  /** Varints above 2^53 lose precision; lengths, dims and the attributes read here never get there. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let index = 0; index < 10; index++) {
      const byte = this.byte();
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new Error(`${this.file}: malformed varint at byte ${this.position}`);
  }

  string(length: number): string {
    this.ensure(length);
    const start = this.position - this.bufferStart;
    this.position += length;
    return this.buffer.toString('utf8', start, start + length);
  }

  skip(wireType: number): void {
    if (wireType === WIRE_VARINT) this.varint();
    else if (wireType === WIRE_FIXED64) this.position += 8;
    else if (wireType === WIRE_FIXED32) this.position += 4;
    else if (wireType === WIRE_LENGTH_DELIMITED) {
      const length = this.varint();
      this.position += length;
    }
    else throw new Error(`${this.file}: unsupported protobuf wire type ${wireType} at byte ${this.position}`);
    if (this.position > this.size) throw new Error(`${this.file} is truncated or not an ONNX file`);
  }

  /** Calls `onField` for each field until `end`; the callback must consume the field or return false. */
  fields(end: number, onField: (field: number, wireType: number) => boolean): void {
    while (this.position < end) {
      const tag = this.varint();
      const field = Math.floor(tag / 8);
      const wireType = tag & 7;
      if (!onField(field, wireType)) this.skip(wireType);
    }
    if (this.position !== end) throw new Error(`${this.file}: malformed message ending at byte ${end}`);
  }

  nestedEnd(): number {
    const length = this.varint();
    return this.position + length;
  }
}

export function scanOnnxFile(file: string): OnnxFileSummary {
  const descriptor = openSync(file, 'r');
  try {
    const reader = new ProtoFileReader(descriptor, fstatSync(descriptor).size, file);
    const summary: OnnxFileSummary = { initializers: new Map(), quantizedParameterCounts: new Map(), quantizationAuxiliaries: new Set() };
    // ModelProto.graph = 7
    reader.fields(reader.size, (field, wireType) => {
      if (field !== 7 || wireType !== WIRE_LENGTH_DELIMITED) return false;
      readGraph(reader, reader.nestedEnd(), summary);
      return true;
    });
    return summary;
  } finally {
    closeSync(descriptor);
  }
}

function readGraph(reader: ProtoFileReader, end: number, summary: OnnxFileSummary): void {
  // GraphProto: node = 1, initializer = 5, sparse_initializer = 15
  reader.fields(end, (field, wireType) => {
    if (wireType !== WIRE_LENGTH_DELIMITED) return false;
    if (field === 1) readNode(reader, reader.nestedEnd(), summary);
    else if (field === 5) addInitializer(summary, readTensor(reader, reader.nestedEnd()));
    else if (field === 15) readSparseTensor(reader, reader.nestedEnd(), summary);
    else return false;
    return true;
  });
}

function addInitializer(summary: OnnxFileSummary, tensor: InitializerInfo): void {
  // Subgraphs of a merged decoder may repeat a name; a weight counts once.
  if (!summary.initializers.has(tensor.name)) summary.initializers.set(tensor.name, tensor);
}

function readTensor(reader: ProtoFileReader, end: number): InitializerInfo {
  const tensor: InitializerInfo = { name: '', dataType: 0, dims: [], elementCount: 1 };
  const external: Record<string, string> = {};
  // TensorProto: dims = 1, data_type = 2, name = 8, external_data = 13
  reader.fields(end, (field, wireType) => {
    if (field === 1 && wireType === WIRE_VARINT) tensor.dims.push(reader.varint());
    else if (field === 1 && wireType === WIRE_LENGTH_DELIMITED) {
      const packedEnd = reader.nestedEnd();
      while (reader.position < packedEnd) tensor.dims.push(reader.varint());
    } else if (field === 2 && wireType === WIRE_VARINT) tensor.dataType = reader.varint();
    else if (field === 8 && wireType === WIRE_LENGTH_DELIMITED) tensor.name = reader.string(reader.varint());
    else if (field === 13 && wireType === WIRE_LENGTH_DELIMITED) {
      const entry = readStringPair(reader, reader.nestedEnd());
      external[entry.key] = entry.value;
    } else return false;
    return true;
  });
  tensor.elementCount = tensor.dims.reduce((product, dim) => product * dim, 1);
  if (external.location !== undefined) {
    tensor.external = {
      location: external.location,
      offset: Number(external.offset ?? 0),
      length: external.length === undefined ? undefined : Number(external.length),
    };
  }
  return tensor;
}

function readSparseTensor(reader: ProtoFileReader, end: number, summary: OnnxFileSummary): void {
  // SparseTensorProto.values = 1: its stored values are the parameters.
  reader.fields(end, (field, wireType) => {
    if (field !== 1 || wireType !== WIRE_LENGTH_DELIMITED) return false;
    addInitializer(summary, readTensor(reader, reader.nestedEnd()));
    return true;
  });
}

function readStringPair(reader: ProtoFileReader, end: number): { key: string; value: string } {
  const pair = { key: '', value: '' };
  reader.fields(end, (field, wireType) => {
    if (wireType !== WIRE_LENGTH_DELIMITED || (field !== 1 && field !== 2)) return false;
    pair[field === 1 ? 'key' : 'value'] = reader.string(reader.varint());
    return true;
  });
  return pair;
}

function readNode(reader: ProtoFileReader, end: number, summary: OnnxFileSummary): void {
  const inputs: string[] = [];
  const integerAttributes = new Map<string, number>();
  let opType = '';
  // NodeProto: input = 1, op_type = 4, attribute = 5
  reader.fields(end, (field, wireType) => {
    if (wireType !== WIRE_LENGTH_DELIMITED) return false;
    if (field === 1) inputs.push(reader.string(reader.varint()));
    else if (field === 4) opType = reader.string(reader.varint());
    else if (field === 5) readAttribute(reader, reader.nestedEnd(), summary, integerAttributes);
    else return false;
    return true;
  });
  // MatMulNBits packs a K×N weight into bytes; its K and N attributes give the true count.
  if (opType === 'MatMulNBits' && inputs[1]) {
    const rows = integerAttributes.get('K');
    const columns = integerAttributes.get('N');
    if (rows !== undefined && columns !== undefined) summary.quantizedParameterCounts.set(inputs[1], rows * columns);
    for (const auxiliary of inputs.slice(2, 4)) if (auxiliary) summary.quantizationAuxiliaries.add(auxiliary);
  }
  if (opType === 'GatherBlockQuantized' && inputs[0]) {
    summary.quantizedParameterCounts.set(inputs[0], { multiplier: 8 / (integerAttributes.get('bits') ?? 4) });
    for (const auxiliary of inputs.slice(2, 4)) if (auxiliary) summary.quantizationAuxiliaries.add(auxiliary);
  }
}

function readAttribute(reader: ProtoFileReader, end: number, summary: OnnxFileSummary, integers: Map<string, number>): void {
  let name = '';
  let integer: number | undefined;
  // AttributeProto: name = 1, i = 3, g = 6, graphs = 11 (If / Loop bodies hold weights too)
  reader.fields(end, (field, wireType) => {
    if (field === 1 && wireType === WIRE_LENGTH_DELIMITED) name = reader.string(reader.varint());
    else if (field === 3 && wireType === WIRE_VARINT) integer = reader.varint();
    else if ((field === 6 || field === 11) && wireType === WIRE_LENGTH_DELIMITED) readGraph(reader, reader.nestedEnd(), summary);
    else return false;
    return true;
  });
  if (integer !== undefined) integers.set(name, integer);
}
