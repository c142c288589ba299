// vision_encoder.onnx: pixel_values [B,3,H,W] → image_features [B, 64, hidden]. Emu2 runs EVA-CLIP and
// projects its features into the language model's space; this keeps the same interface and the same
// parts (patch embedding, a pooled token grid, a norm, the `project_up` projection) at toy size.
import { ElementType, GraphBuilder } from '../../export/graph/graph-builder.js';
import { jitteredTensor, normalTensor } from './random.js';
import { TINY_EMU_GRAPH, type TinyEmuDimensions } from './dimensions.js';

export function buildVisionEncoder(dimensions: TinyEmuDimensions): GraphBuilder {
  const { seed, imageSize, patchSize, imageGrid, visionHidden, hidden } = dimensions;
  const patchGrid = imageSize / patchSize;
  const poolSize = patchGrid / imageGrid;
  if (!Number.isInteger(patchGrid) || !Number.isInteger(poolSize)) {
    throw new Error(`tiny-emu: image size ${imageSize} must split into ${patchSize}-pixel patches pooling evenly to ${imageGrid}×${imageGrid}`);
  }
  const tokens = imageGrid * imageGrid;
  const graph = new GraphBuilder('vision_encoder', TINY_EMU_GRAPH);
  const pixels = graph.input('pixel_values', ElementType.float, ['batch_size', 3, imageSize, imageSize]);

  const patchFanIn = 3 * patchSize * patchSize;
  const patchWeight = graph.weight(
    'vision_model.patch_embed.proj.weight',
    [visionHidden, 3, patchSize, patchSize],
    normalTensor(seed, 'vision_model.patch_embed.proj.weight', visionHidden * patchFanIn, 1 / Math.sqrt(patchFanIn)),
  );
  const patchBias = graph.weight('vision_model.patch_embed.proj.bias', [visionHidden], normalTensor(seed, 'vision_model.patch_embed.proj.bias', visionHidden, 0.1));
  const patches = graph.op('Conv', [pixels, patchWeight, patchBias], { kernel_shape: { ints: [patchSize, patchSize] }, strides: { ints: [patchSize, patchSize] } });
  // Emu2 keeps 64 visual tokens per image by pooling the encoder's patch grid; so does tiny-emu.
  const pooled = graph.op('AveragePool', [patches], { kernel_shape: { ints: [poolSize, poolSize] }, strides: { ints: [poolSize, poolSize] } });
  const flattened = graph.op('Reshape', [pooled, graph.int64s([0, visionHidden, tokens])]);
  const sequence = graph.op('Transpose', [flattened], { perm: { ints: [0, 2, 1] } });
  const positions = graph.weight('vision_model.pos_embed', [tokens, visionHidden], normalTensor(seed, 'vision_model.pos_embed', tokens * visionHidden, 0.5));
  const positioned = graph.op('Add', [sequence, positions]);
  const normScale = graph.weight('vision_model.norm.weight', [visionHidden], jitteredTensor(seed, 'vision_model.norm.weight', visionHidden, 1, 0.05));
  const normBias = graph.weight('vision_model.norm.bias', [visionHidden], normalTensor(seed, 'vision_model.norm.bias', visionHidden, 0.05));
  const normalized = graph.op('LayerNormalization', [positioned, normScale, normBias], { axis: { int: -1 }, epsilon: { float: 1e-6 } });

  const projectionWeight = graph.weight('project_up.weight', [visionHidden, hidden], normalTensor(seed, 'project_up.weight', visionHidden * hidden, 1 / Math.sqrt(visionHidden)));
  const projectionBias = graph.weight('project_up.bias', [hidden], normalTensor(seed, 'project_up.bias', hidden, 0.05));
  const projected = graph.op('MatMul', [normalized, projectionWeight]);
  graph.op('Add', [projected, projectionBias], {}, 'image_features');
  graph.output('image_features', ElementType.float, ['batch_size', tokens, hidden]);
  return graph;
}
