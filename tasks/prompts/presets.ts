import { ConfigError } from '../../core/errors.js';
import type { ExtractionStrategy } from '../../evals/extract.js';

/**
 * A protocol preset: everything about how a question becomes a prompt and an output becomes an answer.
 * Each preset is declarative so run.json can record every value it set (PROTOCOLS.md §4).
 */
export interface ProtocolPreset {
  id: string;
  description: string;
  /** System message; when set, runners with a chat template render the prompt through it. */
  system?: string;
  /** Text placed after the image(s) for a zero-shot query; `{question}` is replaced. */
  zeroShotTemplate: string;
  /** How the zero-shot prompt is built: true zero-shot (no demonstrations at all). */
  zeroShotStyle: 'true-zero-shot';
  maxNewTokens: number;
  numBeams: number;
  extraction: ExtractionStrategy;
  stop: string[];
  /** Visual tokens per image the protocol assumes (runners with a fixed encoder report a mismatch). */
  imageTokens: number;
  imageSize: number;
}

const LLAVA_SUFFIX = 'Answer the question using a single word or phrase.';

export const presets = {
  emu2: {
    id: 'emu2',
    description: 'Emu2 base model, Table 1: true zero-shot "based on the picture, answer in one word or phrase."',
    zeroShotTemplate: 'based on the picture, answer in one word or phrase. {question} short answer:',
    zeroShotStyle: 'true-zero-shot',
    maxNewTokens: 10,
    numBeams: 1,
    extraction: 'short-answer',
    stop: ['\n'],
    imageTokens: 64,
    imageSize: 448,
  },
  'emu2-chat': {
    id: 'emu2-chat',
    description: 'Emu2-Chat, Table 2: system message, LLaVA-1.5 instruction, 5 beams',
    system: 'You are a helpful assistant, dedicated to provide concise and efficient answers.',
    zeroShotTemplate: `{question}\n${LLAVA_SUFFIX}`,
    zeroShotStyle: 'true-zero-shot',
    maxNewTokens: 10,
    numBeams: 5,
    extraction: 'short-answer',
    stop: ['\n'],
    imageTokens: 256,
    imageSize: 448,
  },
  llava: {
    id: 'llava',
    description: 'LLaVA-1.5 short-answer prompt, greedy',
    zeroShotTemplate: `{question}\n${LLAVA_SUFFIX}`,
    zeroShotStyle: 'true-zero-shot',
    maxNewTokens: 10,
    numBeams: 1,
    extraction: 'first-line',
    stop: ['\n'],
    imageTokens: 576,
    imageSize: 336,
  },
} as const satisfies Record<string, ProtocolPreset>;

export type PresetId = keyof typeof presets;

export function getPreset(id: string): ProtocolPreset {
  const preset = (presets as Record<string, ProtocolPreset>)[id];
  if (!preset) throw new ConfigError(`unknown protocol preset "${id}"; known: ${Object.keys(presets).join(', ')}`, true);
  return preset;
}
