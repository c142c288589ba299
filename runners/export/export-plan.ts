// What an architecture's exporter hands to export-checkpoint.ts: graphs whose weights are still unread
// (every tensor's presence and shape already checked) and the JSON files the ONNX runner reads.
import type { AttentionChoice } from './graph/fused-attention.js';
import type { GraphBuilder, GraphOptions } from './graph/graph-builder.js';

/**
 * How every graph of an export stores its weights (float32, float16, or weight-only quantized) and how
 * the decoder expresses attention and RMSNorm (`attention`; absent = plain).
 */
export type WeightFormat = Required<Pick<GraphOptions, 'precision'>> & Pick<GraphOptions, 'quantization'> & { attention?: AttentionChoice };

export type ComponentName = 'vision_encoder' | 'embed_tokens' | 'decoder_model_merged';

export interface ArchitectureExport {
  graphs: Record<ComponentName, GraphBuilder>;
  /** config.json for the exported folder: the checkpoint's, completed with the fields the runner reads. */
  runnerConfig: Record<string, unknown>;
  /** preprocessor_config.json for checkpoints that do not have their own. */
  preprocessorConfig: Record<string, unknown>;
  notes: string[];
}
