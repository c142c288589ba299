// The interface of a model's three graphs as the runner reads it (./sessions.ts): input and output
// names, dtypes and cache geometry.
import type { FloatType, IntegerType } from './tensors.js';

export interface DecoderSignature {
  embedsName: string;
  embedsType: FloatType;
  maskName: string;
  maskType: IntegerType;
  positionName?: string;
  positionType: IntegerType;
  layers: Array<{ pastKey: string; pastValue: string; presentKey: string; presentValue: string }>;
  pastType: FloatType;
  keyValueHeads: number;
  headDim: number;
  logitsName: string;
  logitsToKeepName?: string;
  logitsToKeepType: IntegerType;
  useCacheBranchName?: string;
  /** CogVLM's token_type_ids [B, S] (1 = image token), fed when the graph declares it. */
  tokenTypeName?: string;
  tokenTypeType: IntegerType;
  /** From config.json (position_ids_for_image_tokens): how image tokens advance position_ids. */
  imagePositions: 'sequential' | 'shared';
}

export interface ModelSignature {
  vision: { input: string; inputType: FloatType; output: string; outputType: FloatType; imageTokenCount?: number };
  embed: { input: string; inputType: IntegerType; output: string; outputType: FloatType };
  decoder: DecoderSignature;
  hiddenSize?: number;
  /** Width of the logits, when the graph declares it. */
  vocabularySize?: number;
}
