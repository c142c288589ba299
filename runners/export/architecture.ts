// The architectures `emu-eval export` knows, matched on config.json's model_type / architectures. Each
// plans the graphs (weights still unread, every tensor's presence and shape already checked) and the
// config.json the ONNX runner reads; export-checkpoint.ts writes them.
import { ConfigError } from '../../core/errors.js';
import type { Checkpoint } from './checkpoint/checkpoint.js';
import type { ArchitectureExport, WeightFormat } from './export-plan.js';

interface Architecture {
  name: string;
  modelTypes: string[];
  classes: string[];
  plan(checkpoint: Checkpoint, configFile: string, config: Record<string, unknown>, format: WeightFormat): Promise<ArchitectureExport>;
}

const ARCHITECTURES: Architecture[] = [
  {
    name: 'llava',
    modelTypes: ['llava'],
    classes: ['LlavaForConditionalGeneration'],
    plan: async (...args) => (await import('./llava/export-llava.js')).planLlavaExport(...args),
  },
];

export function findArchitecture(configFile: string, config: Record<string, unknown>): Architecture {
  const modelType = config.model_type;
  const classes = Array.isArray(config.architectures) ? (config.architectures as unknown[]) : [];
  const found = ARCHITECTURES.find((architecture) => architecture.modelTypes.includes(modelType as string) || classes.some((name) => architecture.classes.includes(name as string)));
  if (found) return found;
  const supported = ARCHITECTURES.map((architecture) => `${architecture.modelTypes.join('/')} (${architecture.classes.join(', ')})`).join('; ');
  throw new ConfigError(`${configFile}: model_type ${JSON.stringify(modelType ?? null)}, architectures ${JSON.stringify(classes)} cannot be exported; supported: ${supported} — LLaVA-1.5 (llava-hf/llava-1.5-7b-hf, -13b-hf)`);
}
