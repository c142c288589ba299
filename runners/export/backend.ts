// `hf:DIR`: a Hugging Face checkpoint folder, exported to ONNX into the model cache on first use (keyed by
// the checkpoint's content) and then run by the ONNX runner, with the ONNX runner's flags. The exporter
// and onnxruntime load only when a runner is created.
import path from 'node:path';
import { ConfigError } from '../../core/errors.js';
import type { Backend } from '../../core/contracts/runner.js';
import { onnxFlags, onnxOperational, parseOnnxOptions, type OnnxOptions } from '../onnx/backend.js';

async function exportedFolder(target: string, dtype: string): Promise<string> {
  if (!target) throw new ConfigError('hf: needs a checkpoint folder, e.g. --model hf:./llava-1.5-7b-hf', true);
  if (dtype !== 'fp32' && dtype !== 'fp16') throw new ConfigError(`--dtype ${dtype}: hf: exports fp32 or fp16 only`, true);
  const { ensureExportedCheckpoint } = await import('./export-cache.js');
  return ensureExportedCheckpoint(path.resolve(target), dtype);
}

export const hfBackend: Backend<OnnxOptions> = {
  scheme: 'hf',
  usage: 'hf:DIR          a Hugging Face checkpoint folder (LLaVA-1.5, Emu2, CogVLM), exported to ONNX into the model cache on first use (see emu-eval export)',
  flags: onnxFlags,
  parseOptions: parseOnnxOptions,
  operational: onnxOperational,
  capabilities: {
    // The exported folder holds the vision encoder RICES embeds with.
    visionEncoderFolder: (target) => exportedFolder(target, 'fp32'),
  },
  async create(target, options, context) {
    const folder = await exportedFolder(target, options.dtype ?? 'fp32');
    const { createOnnxRunner } = await import('../onnx/onnx-runner.js');
    return createOnnxRunner(folder, { ...options, ...(context.batchSize ? { batchSize: context.batchSize } : {}) });
  },
};
