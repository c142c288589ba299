import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { Runner, RunnerOptions } from '../core/contracts/runner.js';

/** The model every command uses when --model is absent: a random-weight smoke-test model built locally. */
export const DEFAULT_MODEL = 'tiny-emu';

interface RunnerFactory {
  scheme: string;
  usage: string;
  create(target: string, options: RunnerOptions & { task?: string }): Promise<Runner>;
}

// Backends load lazily: re-scoring predictions should not pay for starting onnxruntime.
const factories: RunnerFactory[] = [
  {
    scheme: 'tiny-emu',
    usage: 'tiny-emu | tiny-emu:large   random-weight Emu2-shaped ONNX model built on first use (smoke tests)',
    async create(target, options) {
      const { ensureTinyEmu } = await import('./onnx/tiny-emu/ensure-tiny-emu.js');
      const variant = target === '' ? 'tiny' : target;
      if (variant !== 'tiny' && variant !== 'large') throw new ConfigError(`unknown tiny-emu variant "${target}"; use tiny-emu or tiny-emu:large`, true);
      const { createOnnxRunner } = await import('./onnx/onnx-runner.js');
      return createOnnxRunner(await ensureTinyEmu(variant), options);
    },
  },
  {
    scheme: 'onnx',
    usage: 'onnx:DIR        an exported model folder (onnx-community / transformers.js layout)',
    async create(target, options) {
      if (!target) throw new ConfigError('onnx: needs a model folder, e.g. --model onnx:./models/emu2-chat-onnx', true);
      const { createOnnxRunner } = await import('./onnx/onnx-runner.js');
      return createOnnxRunner(path.resolve(target), options);
    },
  },
  {
    scheme: 'hf',
    usage: 'hf:DIR          a Hugging Face checkpoint folder (LLaVA-1.5), exported to ONNX into the model cache on first use (see emu-eval export)',
    async create(target, options) {
      if (!target) throw new ConfigError('hf: needs a checkpoint folder, e.g. --model hf:./llava-1.5-7b-hf', true);
      const dtype = options.dtype ?? 'fp32';
      if (dtype !== 'fp32' && dtype !== 'fp16') throw new ConfigError(`--dtype ${dtype}: hf: exports fp32 or fp16 only`, true);
      const { ensureExportedCheckpoint } = await import('./export/export-cache.js');
      const { createOnnxRunner } = await import('./onnx/onnx-runner.js');
      return createOnnxRunner(await ensureExportedCheckpoint(path.resolve(target), dtype), options);
    },
  },
  {
    scheme: 'replay',
    usage: 'replay:FILE     answers from a predictions file (official [{question_id, answer}] JSON or samples.jsonl); FILE?latency=MS simulates a slow server',
    async create(target, options) {
      const { createReplayRunner, parseReplayTarget } = await import('./replay/replay-runner.js');
      const { file, latencyMs } = parseReplayTarget(target);
      if (!file) throw new ConfigError('replay: needs a predictions file, e.g. --model replay:results.json', true);
      if (!existsSync(file)) throw new ConfigError(`replay: predictions file not found: ${file}`);
      return createReplayRunner(path.resolve(file), { task: options.task, latencyMs });
    },
  },
  {
    scheme: 'openai',
    usage: 'openai:URL[,URL...]  an OpenAI-compatible server (vLLM, SGLang, LMDeploy, TGI) at its base URL, e.g. http://127.0.0.1:8000/v1; several URLs = replicas',
    async create(target, options) {
      const { createOpenAIRunnerFromOptions } = await import('./openai/create-from-options.js');
      const runner = await createOpenAIRunnerFromOptions(target, options);
      if (options.noCache) return runner;
      const { withResponseCache } = await import('./cache/response-cache.js');
      return withResponseCache(runner, { ...(options.cacheDir ? { directory: path.resolve(options.cacheDir) } : {}) });
    },
  },
];

export function modelSpecHelp(): string {
  return factories.map((factory) => `  ${factory.usage}`).join('\n');
}

export function parseModelSpec(spec: string): { scheme: string; target: string } {
  const colon = spec.indexOf(':');
  const scheme = colon < 0 ? spec : spec.slice(0, colon);
  const target = colon < 0 ? '' : spec.slice(colon + 1);
  if (!factories.some((factory) => factory.scheme === scheme)) {
    throw new ConfigError(`unknown model "${spec}"; a model is one of:\n${modelSpecHelp()}`, true);
  }
  return { scheme, target };
}

export async function createRunner(spec: string, options: RunnerOptions & { task?: string } = {}): Promise<Runner> {
  const { scheme, target } = parseModelSpec(spec);
  const factory = factories.find((candidate) => candidate.scheme === scheme)!;
  return factory.create(target, options);
}
