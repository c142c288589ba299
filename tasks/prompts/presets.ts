import { ConfigError } from '../../core/errors.js';
import type { TaskAdapter } from '../../core/contracts/task.js';
import type { ExtractionStrategy } from '../../scoring/extract.js';

/**
 * How a preset evaluates "0 shots": Emu2 asks the bare question (true zero-shot); Flamingo's 0*
 * shows two text-only demonstrations first (images removed). Tables mark the second with an asterisk,
 * and the two are never comparable.
 */
export type ZeroShotStyle = 'true-zero-shot' | 'text-two-shot';

/**
 * A protocol preset: everything about how a question becomes a prompt and an output becomes an answer.
 * Each preset is declarative so run.json can record every value it set (docs/protocols.md#presets).
 */
export interface ProtocolPreset {
  id: string;
  description: string;
  /** System message; when set, runners with a chat template render the prompt through it. */
  system?: string;
  /** Text after the query image for a true zero-shot query; `{question}` is replaced. */
  zeroShotTemplate: string;
  zeroShotStyle: ZeroShotStyle;
  /** Few-shot: text after each demonstration's image (`{question}`, `{answer}`); absent = zero-shot only. */
  demoTemplate?: string;
  /** Few-shot: text after the query image. */
  queryTemplate?: string;
  /** Placed after each demonstration, before the next image or the query. */
  separator?: string;
  /** Which human answer a demonstration shows. */
  demoAnswer: 'first';
  maxNewTokens: number;
  /** Per-task overrides of maxNewTokens (Flamingo gives TextVQA 10). */
  maxNewTokensByTask?: Record<string, number>;
  numBeams: number;
  extraction: ExtractionStrategy;
  stop: string[];
  /** Visual tokens per image the protocol assumes (runners with a fixed encoder report a mismatch). */
  imageTokens: number;
  imageSize: number;
  /** Frames sampled per video (Emu2-Chat: 16 uniform; docs/protocols.md#video-frame-samplers). */
  videoFrames: number;
}

const LLAVA_SUFFIX = 'Answer the question using a single word or phrase.';

export const presets = {
  emu2: {
    id: 'emu2',
    description: 'Emu2 base model, Table 1: true zero-shot, demonstrations joined with ". " in front of the query',
    zeroShotTemplate: 'based on the picture, answer in one word or phrase. {question} short answer:',
    zeroShotStyle: 'true-zero-shot',
    demoTemplate: 'based on the picture, {question} short answer: {answer}',
    queryTemplate: 'based on the picture, {question} short answer:',
    separator: '. ',
    demoAnswer: 'first',
    maxNewTokens: 10,
    numBeams: 1,
    extraction: 'short-answer',
    stop: ['\n'],
    imageTokens: 64,
    imageSize: 448,
    videoFrames: 8,
  },
  'emu2-chat': {
    id: 'emu2-chat',
    description: 'Emu2-Chat, Table 2: system message, LLaVA-1.5 instruction, 5 beams (zero-shot only)',
    system: 'You are a helpful assistant, dedicated to provide concise and efficient answers.',
    zeroShotTemplate: `{question}\n${LLAVA_SUFFIX}`,
    zeroShotStyle: 'true-zero-shot',
    demoAnswer: 'first',
    maxNewTokens: 10,
    numBeams: 5,
    extraction: 'short-answer',
    stop: ['\n'],
    imageTokens: 256,
    imageSize: 448,
    videoFrames: 16,
  },
  flamingo: {
    id: 'flamingo',
    description: 'open_flamingo: "Question:{q} Short answer:{a}<|endofchunk|>" items; 0* = two text-only demonstrations; 3 beams',
    zeroShotTemplate: 'Question:{question} Short answer:',
    zeroShotStyle: 'text-two-shot',
    demoTemplate: 'Question:{question} Short answer:{answer}<|endofchunk|>\n',
    queryTemplate: 'Question:{question} Short answer:',
    separator: '',
    demoAnswer: 'first',
    maxNewTokens: 5,
    maxNewTokensByTask: { textvqa: 10 },
    numBeams: 3,
    extraction: 'flamingo',
    stop: [],
    imageTokens: 64,
    imageSize: 224,
    videoFrames: 8,
  },
  llava: {
    id: 'llava',
    description: 'LLaVA-1.5 short-answer prompt, greedy (zero-shot only)',
    zeroShotTemplate: `{question}\n${LLAVA_SUFFIX}`,
    zeroShotStyle: 'true-zero-shot',
    demoAnswer: 'first',
    maxNewTokens: 10,
    numBeams: 1,
    extraction: 'first-line',
    stop: ['\n'],
    imageTokens: 576,
    imageSize: 336,
    videoFrames: 8,
  },
  cogvlm: {
    id: 'cogvlm',
    description: 'CogVLM (cogvlm-chat-hf): template_version "vqa" of build_conversation_input_ids, greedy (zero-shot only)',
    // modeling_cogvlm.py _history_to_prompt('vqa', [], q): 'Question: {} Short answer:'; the image comes first.
    zeroShotTemplate: 'Question: {question} Short answer:',
    zeroShotStyle: 'true-zero-shot',
    demoAnswer: 'first',
    maxNewTokens: 10,
    numBeams: 1,
    extraction: 'first-line',
    stop: ['\n'],
    // boi + 35×35 patches + eoi.
    imageTokens: 1227,
    imageSize: 490,
    videoFrames: 8,
  },
} as const satisfies Record<string, ProtocolPreset>;

export type PresetId = keyof typeof presets;

export function getPreset(id: string): ProtocolPreset {
  const preset = (presets as Record<string, ProtocolPreset>)[id];
  if (!preset) throw new ConfigError(`unknown protocol preset "${id}"; known: ${Object.keys(presets).join(', ')}`, true);
  return preset;
}

export function supportsFewShot(preset: ProtocolPreset): boolean {
  return preset.demoTemplate !== undefined && preset.queryTemplate !== undefined;
}

/** Demonstrations a preset shows at a given shot count: Flamingo's 0* still shows two (text-only). */
export function demosNeeded(preset: ProtocolPreset, shots: number): number {
  return shots === 0 && preset.zeroShotStyle === 'text-two-shot' ? 2 : shots;
}

/**
 * The preset as one task uses it: the task's own prompt pieces for this protocol (TaskAdapter.prompts)
 * replace the preset's templates; everything else stays the preset's.
 */
export function presetForTask(preset: ProtocolPreset, task: Pick<TaskAdapter, 'prompts'>): ProtocolPreset {
  const pieces = task.prompts?.[preset.id];
  if (!pieces) return preset;
  return {
    ...preset,
    ...(pieces.zeroShotTemplate !== undefined ? { zeroShotTemplate: pieces.zeroShotTemplate } : {}),
    ...(pieces.demoTemplate !== undefined ? { demoTemplate: pieces.demoTemplate } : {}),
    ...(pieces.queryTemplate !== undefined ? { queryTemplate: pieces.queryTemplate } : {}),
    ...(pieces.system !== undefined ? { system: pieces.system } : {}),
  };
}
