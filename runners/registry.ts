import { ConfigError } from '../core/errors.js';
import type { Backend, BackendFlag, RunnerContext, RunnerOptions, Runner } from '../core/contracts/runner.js';
import { hfBackend } from './export/backend.js';
import { onnxBackend, tinyEmuBackend } from './onnx/backend.js';
import { openAIBackend } from './openai/backend.js';
import { replayBackend } from './replay/backend.js';

/** The model every command uses when --model is absent: a random-weight smoke-test model built locally. */
export const DEFAULT_MODEL = 'tiny-emu';

// One line per backend. Their declarations are light; each loads its runner's modules in create().
export const backends: readonly Backend[] = [tinyEmuBackend, onnxBackend, hfBackend, replayBackend, openAIBackend];

export function modelSpecHelp(): string {
  return backends.map((backend) => `  ${backend.usage}`).join('\n');
}

function splitSpec(spec: string): { scheme: string; target: string } {
  const colon = spec.indexOf(':');
  return colon < 0 ? { scheme: spec, target: '' } : { scheme: spec.slice(0, colon), target: spec.slice(colon + 1) };
}

/** The backend of a model spec, or undefined for an unknown scheme. */
export function findBackend(spec: string): Backend | undefined {
  const { scheme } = splitSpec(spec);
  return backends.find((backend) => backend.scheme === scheme);
}

export function parseModelSpec(spec: string): { backend: Backend; target: string } {
  const backend = findBackend(spec);
  if (!backend) throw new ConfigError(`unknown model "${spec}"; a model is one of:\n${modelSpecHelp()}`, true);
  return { backend, target: splitSpec(spec).target };
}

export async function createRunner(spec: string, options: RunnerOptions = {}, context: RunnerContext = {}): Promise<Runner> {
  const { backend, target } = parseModelSpec(spec);
  return backend.create(target, options, context);
}

/** Every backend's flags, each once with the backends that own it (schemes of one folder share theirs). */
export function backendFlags(): Map<string, { flag: BackendFlag; owners: Backend[] }> {
  const all = new Map<string, { flag: BackendFlag; owners: Backend[] }>();
  for (const backend of backends) {
    for (const [name, flag] of Object.entries(backend.flags)) {
      const known = all.get(name);
      if (known && known.flag !== flag) throw new Error(`backends ${known.owners[0]!.scheme} and ${backend.scheme} both declare --${name}`);
      if (known) known.owners.push(backend);
      else all.set(name, { flag, owners: [backend] });
    }
  }
  return all;
}

/** Runner option keys some backend calls operational: options share one namespace in run.json. */
export function operationalRunnerOptions(): ReadonlySet<string> {
  return new Set(backends.flatMap((backend) => backend.operational));
}
