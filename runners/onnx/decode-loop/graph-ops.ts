// A small emitter of ONNX nodes for the decode-loop graph: each call appends one node to the current
// graph and returns its output names, which are unique across the whole model (ONNX names are global
// across subgraphs). Reductions follow the model's opset: their axes are an attribute before opset 18
// and an input from 18 on (ReduceSum from 13).
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
type AttributeProto = onnxProto.onnx.IAttributeProto;

export const DataType = onnx.TensorProto.DataType;
const AttributeType = onnx.AttributeProto.AttributeType;

export type Attribute = number | number[] | GraphProto;

export class NameSource {
  private counter = 0;
  constructor(private readonly prefix: string) {}
  next(hint: string): string {
    return `${this.prefix}${hint}_${this.counter++}`;
  }
}

export class GraphOps {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];

  constructor(
    readonly names: NameSource,
    readonly opset: number,
  ) {}

  /** A sibling emitter for a subgraph (Loop body, If branch): same name source, its own node list. */
  subgraph(): GraphOps {
    return new GraphOps(this.names, this.opset);
  }

  op(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, outputCount = 1, domain = ''): string[] {
    const outputs = Array.from({ length: outputCount }, () => this.names.next(opType.toLowerCase()));
    this.nodes.push({ opType, domain, name: this.names.next(`node_${opType}`), input: inputs, output: outputs, attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)) });
    return outputs;
  }

  one(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}): string {
    return this.op(opType, inputs, attributes)[0];
  }

  /** A constant tensor; `values` as plain numbers (int64, int32, double, float, bool). */
  constant(dataType: number, values: number[], dims: number[] = [values.length]): string {
    const name = this.names.next('const');
    this.nodes.push({ opType: 'Constant', name: this.names.next('node_Constant'), input: [], output: [name], attribute: [{ name: 'value', type: AttributeType.TENSOR, t: tensor(dataType, values, dims) }] });
    return name;
  }

  int64(values: number[] | number): string {
    return typeof values === 'number' ? this.constant(DataType.INT64, [values], []) : this.constant(DataType.INT64, values);
  }

  double(value: number): string {
    return this.constant(DataType.DOUBLE, [value], []);
  }

  cast(input: string, to: number): string {
    return this.one('Cast', [input], { to });
  }

  reduce(opType: 'ReduceMax' | 'ReduceMin' | 'ReduceSum', input: string, axes: number[], keepdims: boolean): string {
    const axesAsInput = opType === 'ReduceSum' ? this.opset >= 13 : this.opset >= 18;
    if (axesAsInput) return this.one(opType, [input, this.int64(axes)], { keepdims: keepdims ? 1 : 0 });
    return this.one(opType, [input], { axes, keepdims: keepdims ? 1 : 0 });
  }

  unsqueeze(input: string, axes: number[]): string {
    return this.one('Unsqueeze', [input, this.int64(axes)]);
  }

  squeeze(input: string, axes: number[]): string {
    return this.one('Squeeze', [input, this.int64(axes)]);
  }

  /** Dimension `axis` of `input` as an int64 tensor of shape [1]. */
  dim(input: string, axis: number): string {
    return this.one('Gather', [this.one('Shape', [input]), this.int64([axis])], { axis: 0 });
  }

  /** 1 where a token is one of `eosIds` ([E] int64), along a new last axis reduced away: bool, shape of `tokens`. */
  isAnyOf(tokens: string, eosIds: string): string {
    const equal = this.one('Equal', [this.unsqueeze(tokens, [-1]), eosIds]);
    return this.cast(this.reduce('ReduceMax', this.cast(equal, DataType.INT32), [-1], false), DataType.BOOL);
  }

  /** True when every element of a bool tensor is true (a scalar bool). */
  all(input: string): string {
    const minimum = this.reduce('ReduceMin', this.cast(input, DataType.INT32), this.rankAxes(1), false);
    return this.one('Equal', [minimum, this.constant(DataType.INT32, [1], [])]);
  }

  private rankAxes(rank: number): number[] {
    return Array.from({ length: rank }, (_, index) => index);
  }

  graph(name: string, inputs: ValueInfoProto[], outputs: ValueInfoProto[]): GraphProto {
    return { name, node: this.nodes, initializer: this.initializers, input: inputs, output: outputs };
  }
}

/** A value-info with an element type and a rank (dims left symbolic), as Loop bodies and If branches need. */
export function valueInfo(name: string, elemType: number, rank?: number): ValueInfoProto {
  const shape = rank === undefined ? undefined : { dim: Array.from({ length: rank }, () => ({})) };
  return { name, type: { tensorType: { elemType, shape } } };
}

function tensor(dataType: number, values: number[], dims: number[]): TensorProto {
  const base: TensorProto = { dataType, dims };
  if (dataType === DataType.INT64) return { ...base, int64Data: values };
  if (dataType === DataType.DOUBLE) return { ...base, doubleData: values };
  if (dataType === DataType.FLOAT) return { ...base, floatData: values };
  return { ...base, int32Data: values };
}

function attribute(name: string, value: Attribute): AttributeProto {
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  return { name, type: AttributeType.GRAPH, g: value };
}
