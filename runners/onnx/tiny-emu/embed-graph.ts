// embed_tokens.onnx: input_ids [B,S] int64 → inputs_embeds [B,S,hidden]. Split out of the decoder, as
// transformers.js VLM exports do, so image features can replace the image-token rows before decoding.
import { ElementType, GraphBuilder } from '../../export/graph/graph-builder.js';
import { normalTensor } from './random.js';
import { TINY_EMU_GRAPH, type TinyEmuDimensions } from './dimensions.js';

export function buildEmbedTokens(dimensions: TinyEmuDimensions, vocabularySize: number): GraphBuilder {
  const graph = new GraphBuilder('embed_tokens', TINY_EMU_GRAPH);
  const ids = graph.input('input_ids', ElementType.int64, ['batch_size', 'sequence_length']);
  const table = graph.weight(
    'model.embed_tokens.weight',
    [vocabularySize, dimensions.hidden],
    normalTensor(dimensions.seed, 'model.embed_tokens.weight', vocabularySize * dimensions.hidden, 1),
  );
  graph.op('Gather', [table, ids], { axis: { int: 0 } }, 'inputs_embeds');
  graph.output('inputs_embeds', ElementType.float, ['batch_size', 'sequence_length', dimensions.hidden]);
  return graph;
}
