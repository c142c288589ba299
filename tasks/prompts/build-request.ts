import type { Part, Request } from '../../core/contracts/runner.js';
import type { Sample } from '../../core/contracts/task.js';
import type { ProtocolPreset } from './presets.js';

export interface GenerationSettings {
  maxNewTokens: number;
  numBeams: number;
}

function fill(template: string, question: string, answer = ''): string {
  // One pass so a question containing "{answer}" is not itself substituted.
  return template.replace(/\{(question|answer)\}/g, (_match, key: string) => (key === 'question' ? question : answer));
}

function mediaParts(sample: Sample): Part[] {
  return sample.media.map((source): Part => (source.kind === 'image' ? { type: 'image', source } : { type: 'video', frames: [source] }));
}

/**
 * The interleaved prompt: each demonstration's media and text, then the query's. With no
 * demonstrations it is the preset's true zero-shot prompt. `textOnlyDemos` drops demonstration
 * images (Flamingo's 0*).
 */
export function buildRequest(
  sample: Sample,
  preset: ProtocolPreset,
  generation: GenerationSettings,
  demos: readonly Sample[] = [],
  options: { textOnlyDemos?: boolean } = {},
): Request {
  const parts: Part[] = [];
  if (demos.length === 0) {
    parts.push(...mediaParts(sample), { type: 'text', text: fill(preset.zeroShotTemplate, sample.question) });
  } else {
    const demoTemplate = preset.demoTemplate ?? preset.zeroShotTemplate;
    for (const demo of demos) {
      if (!options.textOnlyDemos) parts.push(...mediaParts(demo));
      parts.push({ type: 'text', text: fill(demoTemplate, demo.question, demo.answers[0] ?? '') + (preset.separator ?? '') });
    }
    parts.push(...mediaParts(sample), { type: 'text', text: fill(preset.queryTemplate ?? preset.zeroShotTemplate, sample.question) });
  }
  return {
    sampleId: sample.id,
    parts: mergeAdjacentText(parts),
    ...(preset.system ? { system: preset.system } : {}),
    maxNewTokens: generation.maxNewTokens,
    numBeams: generation.numBeams,
    stop: [...preset.stop],
  };
}

/** Text-only demonstrations sit next to each other; one text part reads (and tokenizes) the same. */
function mergeAdjacentText(parts: Part[]): Part[] {
  const merged: Part[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if (part.type === 'text' && last?.type === 'text') merged[merged.length - 1] = { type: 'text', text: last.text + part.text };
    else merged.push(part);
  }
  return merged;
}
