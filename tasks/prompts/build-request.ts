import type { Part, Request } from '../../runners/types.js';
import type { Sample } from '../types.js';
import type { ProtocolPreset } from './presets.js';

export interface GenerationSettings {
  maxNewTokens: number;
  numBeams: number;
}

/** The zero-shot request for one sample: its media first, then the preset's text. */
export function buildRequest(sample: Sample, preset: ProtocolPreset, generation: GenerationSettings): Request {
  const parts: Part[] = sample.media.map((source) =>
    source.kind === 'image' ? { type: 'image', source } : { type: 'video', frames: [source] },
  );
  parts.push({ type: 'text', text: preset.zeroShotTemplate.replaceAll('{question}', sample.question) });
  return {
    sampleId: sample.id,
    parts,
    ...(preset.system ? { system: preset.system } : {}),
    maxNewTokens: generation.maxNewTokens,
    numBeams: generation.numBeams,
    stop: [...preset.stop],
  };
}
