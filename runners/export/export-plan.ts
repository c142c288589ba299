// What an architecture's exporter hands to export-checkpoint.ts: graphs whose weights are still unread
// (every tensor's presence and shape already checked) and the JSON files the ONNX runner reads.
import type { GraphBuilder } from './graph/graph-builder.js';

export type ComponentName = 'vision_encoder' | 'embed_tokens' | 'decoder_model_merged';

export interface ArchitectureExport {
  graphs: Record<ComponentName, GraphBuilder>;
  /** config.json for the exported folder: the checkpoint's, completed with the fields the runner reads. */
  runnerConfig: Record<string, unknown>;
  /** preprocessor_config.json for checkpoints that do not have their own. */
  preprocessorConfig: Record<string, unknown>;
  notes: string[];
}
