// The ONNX backend's two schemes: `onnx:DIR` (an exported model folder) and `tiny-emu` (a random-weight
// model of the same layout, built on first use). They share the flags and options; onnxruntime and the
// model builder load only when a runner is created, so re-scoring and --help never pay for them.
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { aCount, oneValue, parseFlags } from '../../core/flags.js';
import type { Backend, BackendFlag } from '../../core/contracts/runner.js';

export type OnnxOptions = { device?: string; devices?: string[]; dtype?: string; threads?: number; decodeLoop?: 'step' | 'graph' };

/** The flags every ONNX-runner scheme takes (the hf: export backend too). */
export const onnxFlags = {
  device: { type: 'string', describe: 'ONNX: cpu | cuda[:N] | tensorrt' },
  devices: { type: 'string', describe: 'ONNX: comma list of GPU ids, one worker each (data parallel)' },
  dtype: { type: 'string', describe: 'ONNX: weight file suffix (fp32, fp16, q4, quantized ...)' },
  threads: { type: 'number', describe: 'ONNX: intra-op threads per worker' },
  'decode-loop': {
    type: 'string',
    describe: 'ONNX: step (default: JavaScript runs each decoder step) | graph (the whole search runs inside onnxruntime in one ONNX Loop, so a GPU keeps the KV cache; beam search then cuts stop strings after decoding)',
  },
} satisfies Record<string, BackendFlag>;

const flagsSchema = z.object({
  device: oneValue.optional(),
  devices: oneValue.optional(),
  dtype: oneValue.optional(),
  threads: aCount.optional(),
  'decode-loop': z.enum(['step', 'graph']).optional(),
});

export function parseOnnxOptions(given: Readonly<Record<string, unknown>>): OnnxOptions {
  const { device, devices, dtype, threads, 'decode-loop': decodeLoop } = parseFlags(flagsSchema, given);
  const deviceIds = devices?.split(',').map((id) => id.trim()).filter(Boolean);
  return {
    ...(device ? { device } : {}),
    ...(deviceIds ? { devices: deviceIds } : {}),
    ...(dtype ? { dtype } : {}),
    ...(threads ? { threads } : {}),
    // Recorded (and hashed) only when not the default: beam search with stop strings can answer differently.
    ...(decodeLoop === 'graph' ? { decodeLoop } : {}),
  };
}

/** Where the model runs and how many threads it gets change speed, not answers. */
export const onnxOperational = ['threads', 'devices', 'device'];

export const tinyEmuBackend: Backend<OnnxOptions> = {
  scheme: 'tiny-emu',
  usage: 'tiny-emu | tiny-emu:large   random-weight Emu2-shaped ONNX model built on first use (smoke tests)',
  flags: onnxFlags,
  parseOptions: parseOnnxOptions,
  operational: onnxOperational,
  capabilities: {
    async visionEncoderFolder(target) {
      const { ensureTinyEmu } = await import('./tiny-emu/ensure-tiny-emu.js');
      return ensureTinyEmu(target === 'large' ? 'large' : 'tiny');
    },
  },
  async create(target, options, context) {
    const { ensureTinyEmu } = await import('./tiny-emu/ensure-tiny-emu.js');
    const variant = target === '' ? 'tiny' : target;
    if (variant !== 'tiny' && variant !== 'large') throw new ConfigError(`unknown tiny-emu variant "${target}"; use tiny-emu or tiny-emu:large`, true);
    const { createOnnxRunner } = await import('./onnx-runner.js');
    return createOnnxRunner(await ensureTinyEmu(variant), { ...options, ...(context.batchSize ? { batchSize: context.batchSize } : {}) });
  },
};

export const onnxBackend: Backend<OnnxOptions> = {
  scheme: 'onnx',
  usage: 'onnx:DIR        an exported model folder (onnx-community / transformers.js layout)',
  flags: onnxFlags,
  parseOptions: parseOnnxOptions,
  operational: onnxOperational,
  capabilities: {
    // The folder holds the vision encoder RICES embeds with.
    visionEncoderFolder: async (target) => target,
  },
  async create(target, options, context) {
    if (!target) throw new ConfigError('onnx: needs a model folder, e.g. --model onnx:./models/emu2-chat-onnx', true);
    const { createOnnxRunner } = await import('./onnx-runner.js');
    return createOnnxRunner(path.resolve(target), { ...options, ...(context.batchSize ? { batchSize: context.batchSize } : {}) });
  },
};
