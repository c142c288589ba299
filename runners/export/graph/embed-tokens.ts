// embed_tokens.onnx: input_ids → inputs_embeds, one Gather over the token embedding matrix, asked for by
// its Hugging Face LLaMA name (`model.embed_tokens.weight`) so each architecture maps it to its own.
import type { WeightFormat } from '../export-plan.js';
import { ElementType, GraphBuilder, type WeightSource } from './graph-builder.js';

export function buildEmbedTokens(vocabularySize: number, hidden: number, weights: WeightSource, format: WeightFormat = { precision: 'float32' }): GraphBuilder {
  const graph = new GraphBuilder('embed_tokens', format);
  const ids = graph.input('input_ids', ElementType.int64, ['batch_size', 'sequence_length']);
  const name = 'model.embed_tokens.weight';
  // A quantized export keeps the table float16 and casts the gathered rows: casting the table itself would
  // be folded into a float32 copy when the session loads, doubling its memory.
  const storage = graph.storagePrecision;
  const table = graph.weight(name, [vocabularySize, hidden], weights(name, [vocabularySize, hidden], 'tensor'), storage);
  const rows = graph.op('Gather', [table, ids], { axis: { int: 0 } }, storage === graph.precision ? 'inputs_embeds' : undefined);
  if (storage !== graph.precision) graph.op('Cast', [rows], { to: { int: graph.floatType } }, 'inputs_embeds');
  graph.output('inputs_embeds', graph.floatType, ['batch_size', 'sequence_length', hidden]);
  return graph;
}
