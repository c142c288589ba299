// Copies the nodes of one ONNX model into another graph, as a function call would: the model's inputs
// are wired to given values, every other name gets a prefix (recursively through If/Loop subgraphs, so
// references from inside them stay consistent), and its outputs come back under their new names. The
// weights are not copied: they move once to the outer graph under a per-model prefix, and every copy of
// the nodes — the prefill call and each Loop body — reads the same tensors, so a model inlined three
// times holds its weights once.
import onnxProto from 'onnx-proto';
import type { GraphOps, GraphProto, NodeProto, TensorProto } from './graph-ops.js';

const { onnx } = onnxProto;

export interface InlinedModel {
  graph: GraphProto;
  /** Prefix of this model's weights in the outer graph. */
  weightPrefix: string;
  weights: Set<string>;
}

export function prepareInlinedModel(graph: GraphProto, weightPrefix: string): { model: InlinedModel; initializers: TensorProto[] } {
  const weights = new Set((graph.initializer ?? []).map((initializer) => initializer.name ?? ''));
  const initializers = (graph.initializer ?? []).map((initializer) => ({ ...initializer, name: weightPrefix + initializer.name }));
  return { model: { graph, weightPrefix, weights }, initializers };
}

/**
 * Appends the model's nodes to `ops`. `inputs` maps each graph input that is fed to a value; graph
 * inputs left out must have an initializer (a default). Returns graph output name → new name.
 */
export function inlineModel(ops: GraphOps, model: InlinedModel, prefix: string, inputs: Record<string, string>, modelName: string): Record<string, string> {
  const graphInputs = (model.graph.input ?? []).map((input) => input.name ?? '');
  for (const name of graphInputs) {
    if (!(name in inputs) && !model.weights.has(name)) throw new Error(`${modelName}: graph input ${name} is not fed by the decode loop`);
  }
  for (const name of Object.keys(inputs)) {
    if (!graphInputs.includes(name)) throw new Error(`${modelName}: has no graph input ${name}`);
  }
  const rename = (name: string): string => {
    if (name === '') return name;
    if (name in inputs) return inputs[name];
    if (model.weights.has(name)) return model.weightPrefix + name;
    return prefix + name;
  };
  for (const node of model.graph.node ?? []) ops.nodes.push(renameNode(cloneNode(node), rename, prefix));
  return Object.fromEntries((model.graph.output ?? []).map((output) => [output.name ?? '', rename(output.name ?? '')]));
}

function cloneNode(node: NodeProto): NodeProto {
  return onnx.NodeProto.decode(onnx.NodeProto.encode(node).finish());
}

function renameNode(node: NodeProto, rename: (name: string) => string, prefix: string): NodeProto {
  node.input = (node.input ?? []).map(rename);
  node.output = (node.output ?? []).map(rename);
  node.name = prefix + (node.name ?? '');
  for (const attribute of node.attribute ?? []) {
    if (attribute.g) renameGraph(attribute.g, rename, prefix);
    for (const graph of attribute.graphs ?? []) renameGraph(graph, rename, prefix);
  }
  return node;
}

function renameGraph(graph: GraphProto, rename: (name: string) => string, prefix: string): void {
  for (const list of [graph.input, graph.output, graph.valueInfo]) for (const value of list ?? []) value.name = rename(value.name ?? '');
  for (const initializer of graph.initializer ?? []) initializer.name = rename(initializer.name ?? '');
  for (const node of graph.node ?? []) renameNode(node, rename, prefix);
}
