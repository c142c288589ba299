// The architectures `emu-eval export` knows, matched on config.json's model_type / architectures. Each
// plans the graphs (weights still unread, every tensor's presence and shape already checked) and the
// config.json the ONNX runner reads; export-checkpoint.ts writes them.
import { ConfigError } from '../../core/errors.js';
import type { Checkpoint } from './checkpoint/checkpoint.js';
import type { ArchitectureExport, WeightFormat } from './export-plan.js';
import type { SpecialToken } from './random/synthetic-tokenizer.js';

interface Architecture {
  name: string;
  modelTypes: string[];
  classes: string[];
  plan(checkpoint: Checkpoint, configFile: string, config: Record<string, unknown>, format: WeightFormat): Promise<ArchitectureExport>;
  /** Said when the checkpoint has no tokenizer, for architectures whose uploads ship without one. */
  missingTokenizerHint?: string;
  /** The vocabulary size and the special tokens its prompts need, for a random export's synthetic tokenizer. */
  syntheticTokens(config: Record<string, unknown>): { vocabularySize: number; specials: SpecialToken[] };
}

const numberField = (config: Record<string, unknown>, field: string): number | undefined => (typeof config[field] === 'number' ? (config[field] as number) : undefined);
const textConfig = (config: Record<string, unknown>): Record<string, unknown> => (typeof config.text_config === 'object' && config.text_config !== null ? (config.text_config as Record<string, unknown>) : {});

const ARCHITECTURES: Architecture[] = [
  {
    name: 'llava',
    modelTypes: ['llava'],
    classes: ['LlavaForConditionalGeneration'],
    plan: async (...args) => (await import('./llava/export-llava.js')).planLlavaExport(...args),
    // llava-hf: <image> 32000 (image_token_index), <pad> 32001 (pad_token_id), vocab_size 32064.
    syntheticTokens: (config) => ({
      vocabularySize: numberField(textConfig(config), 'vocab_size') ?? 32000,
      specials: [
        { content: '<image>', id: numberField(config, 'image_token_index') ?? numberField(config, 'image_token_id') ?? 32000 },
        ...(numberField(config, 'pad_token_id') !== undefined ? [{ content: '<pad>', id: numberField(config, 'pad_token_id') }] : []),
      ],
    }),
  },
  {
    // BAAI/Emu2 and BAAI/Emu2-Chat (trust_remote_code): matched by class, since the remote-code EmuConfig
    // seen (a copy; the Hub files were unreachable) declares no model_type; 'emu' covers one that does.
    name: 'emu2',
    modelTypes: ['emu'],
    classes: ['EmuForCausalLM'],
    plan: async (...args) => (await import('./emu2/export-emu2.js')).planEmu2Export(...args),
    // Looked up by name in the tokenizer (emu2-special-tokens.ts), so any free ids do.
    syntheticTokens: (config) => ({ vocabularySize: numberField(config, 'vocab_size') ?? 32274, specials: [{ content: '[IMG]' }, { content: '[/IMG]' }, { content: '<image>' }] }),
  },
  {
    name: 'cogvlm',
    // CogVLM's remote-code configs have no model_type; CogVLM2 (LLaMA-3) shares the class name and is refused by its config.
    modelTypes: ['cogvlm'],
    classes: ['CogVLMForCausalLM'],
    plan: async (...args) => (await import('./cogvlm/export-cogvlm.js')).planCogvlmExport(...args),
    // Image positions are filled by the runner; the prompt needs no image token in the tokenizer.
    syntheticTokens: (config) => ({ vocabularySize: numberField(config, 'vocab_size') ?? 32000, specials: [] }),
    missingTokenizerHint:
      'THUDM/cogvlm-*-hf uploads ship no tokenizer; copy tokenizer.model, tokenizer_config.json and special_tokens_map.json from lmsys/vicuna-7b-v1.5 (the tokenizer its demos load) into the checkpoint folder',
  },
];

export function findArchitecture(configFile: string, config: Record<string, unknown>): Architecture {
  const modelType = config.model_type;
  const classes = Array.isArray(config.architectures) ? (config.architectures as unknown[]) : [];
  const found = ARCHITECTURES.find((architecture) => architecture.modelTypes.includes(modelType as string) || classes.some((name) => architecture.classes.includes(name as string)));
  if (found) return found;
  const supported = ARCHITECTURES.map((architecture) => `${architecture.modelTypes.join('/')} (${architecture.classes.join(', ')})`).join('; ');
  throw new ConfigError(`${configFile}: model_type ${JSON.stringify(modelType ?? null)}, architectures ${JSON.stringify(classes)} cannot be exported; supported: ${supported} — LLaVA-1.5 (llava-hf/llava-1.5-7b-hf, -13b-hf), Emu2 (BAAI/Emu2, BAAI/Emu2-Chat), CogVLM (THUDM/cogvlm-chat-hf, -base-490-hf, -grounding-*-hf)`);
}
