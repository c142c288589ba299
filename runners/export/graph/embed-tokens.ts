// embed_tokens.onnx: input_ids → inputs_embeds, one Gather over the token embedding matrix, asked for by
// its Hugging Face LLaMA name (`model.embed_tokens.weight`) so each architecture maps it to its own.
import { ElementType, GraphBuilder, type Precision, type WeightSource } from './graph-builder.js';

export function buildEmbedTokens(vocabularySize: number, hidden: number, weights: WeightSource, precision: Precision = 'float32'): GraphBuilder {
  const graph = new GraphBuilder('embed_tokens', { precision });
  const ids = graph.input('input_ids', ElementType.int64, ['batch_size', 'sequence_length']);
  const name = 'model.embed_tokens.weight';
  const table = graph.weight(name, [vocabularySize, hidden], weights(name, [vocabularySize, hidden], 'tensor'));
  graph.op('Gather', [table, ids], { axis: { int: 0 } }, 'inputs_embeds');
  graph.output('inputs_embeds', graph.floatType, ['batch_size', 'sequence_length', hidden]);
  return graph;
}
