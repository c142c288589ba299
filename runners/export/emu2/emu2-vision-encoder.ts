// vision_encoder.onnx for Emu2: pixel_values [B, 3, 448, 448] → image_features [B, n_query, LLaMA hidden],
// the rows that replace the `<image>` tokens. Transcribed from EmuModel.encode_image + generate in
// baaivision/Emu @ 13c395e, Emu2/emu/emu.py (same in the remote-code modeling_emu.py):
//   image_embeds = visual(image)[:, 1:, :]                 # drop CLS
//   → permute to [B, C, √n, √n] → F.avg_pool2d(kernel = stride = int(√n // √n_query))
//   → view(B, C, -1).permute(0, 2, 1)                      # pooled grid, row-major
//   → project_up (Linear 1792 → 6656, no bias)
// Nothing else sits between the tower and project_up: no norm, no activation, no resampler.
import type { WeightFormat } from '../export-plan.js';
import { GraphBuilder, type WeightSource } from '../graph/graph-builder.js';
import type { Emu2Settings } from './emu2-config.js';
import { EMU2_NAMES } from './emu2-names.js';
import { buildEvaClipTower } from './eva-clip-vision.js';

export function buildEmu2VisionEncoder(settings: Emu2Settings, weights: WeightSource, format: WeightFormat = { precision: 'float32' }): GraphBuilder {
  const { vision, imageTokens, poolStride, text } = settings;
  const graph = new GraphBuilder('vision_encoder', format);
  const pixels = graph.input('pixel_values', graph.floatType, ['batch_size', 3, vision.imageSize, vision.imageSize]);
  const tokens = buildEvaClipTower(graph, pixels, vision, weights, EMU2_NAMES.vision);
  const pooled = poolPatchGrid(graph, tokens, vision.width, vision.imageSize / vision.patchSize, poolStride);
  graph.matmul(pooled, EMU2_NAMES.projectUp, vision.width, text.hidden, weights(EMU2_NAMES.projectUp, [vision.width, text.hidden], 'linear'), 'image_features');
  graph.output('image_features', graph.floatType, ['batch_size', imageTokens, text.hidden]);
  return graph;
}

/** [B, 1 + grid², C] → drop CLS → average each stride×stride window of the patch grid → [B, tokens, C]. */
export function poolPatchGrid(graph: GraphBuilder, tokens: string, channels: number, grid: number, stride: number): string {
  const patches = graph.op('Slice', [tokens, graph.int64s([1]), graph.int64s([Number.MAX_SAFE_INTEGER]), graph.int64s([1])]);
  const channelsFirst = graph.op('Reshape', [graph.op('Transpose', [patches], { perm: { ints: [0, 2, 1] } }), graph.int64s([0, channels, grid, grid])]);
  // avg_pool2d's defaults: no padding, floor mode; a window never reaches past the grid, so no count_include_pad question arises.
  const pooled = graph.op('AveragePool', [channelsFirst], { kernel_shape: { ints: [stride, stride] }, strides: { ints: [stride, stride] } });
  return graph.op('Transpose', [graph.op('Reshape', [pooled, graph.int64s([0, channels, -1])])], { perm: { ints: [0, 2, 1] } });
}
