import type { Part, Request } from '../../core/contracts/runner.js';
import type { MediaRef, Sample } from '../../core/contracts/task.js';
import type { ProtocolPreset } from './presets.js';

export interface GenerationSettings {
  maxNewTokens: number;
  numBeams: number;
}

/** A template cut at its placeholders: literal text at even positions, 'question' / 'answer' at odd ones. */
const templatePieces = new Map<string, string[]>();

function piecesOf(template: string): string[] {
  let pieces = templatePieces.get(template);
  if (!pieces) {
    pieces = template.split(/\{(question|answer)\}/);
    templatePieces.set(template, pieces);
  }
  return pieces;
}

function fill(template: string, question: string, answer = ''): string {
  // One pass so a question containing "{answer}" is not itself substituted; the template is cut once.
  const pieces = piecesOf(template);
  let text = pieces[0]!;
  for (let index = 1; index < pieces.length; index += 2) text += (pieces[index] === 'question' ? question : answer) + pieces[index + 1]!;
  return text;
}

function mediaPart(source: MediaRef): Part {
  return source.kind === 'image' ? { type: 'image', source } : { type: 'video', frames: [source] };
}

/**
 * A sample's media and its filled text. Media with a placeholder (Sample.mediaPlaceholders) take the
 * place of its first occurrence in the text — a later mention stays text, so each image is shown once;
 * the rest come first, in order, as they always have.
 */
export function sampleParts(sample: Sample, text: string): Part[] {
  // No placeholders (most tasks): the media, then the text.
  if (sample.mediaPlaceholders === undefined) {
    const parts: Part[] = sample.media.map(mediaPart);
    parts.push({ type: 'text', text });
    return parts;
  }
  const placeholders = sample.mediaPlaceholders;
  const placed: Array<{ at: number; length: number; media: MediaRef }> = [];
  const leading: Part[] = [];
  sample.media.forEach((source, index) => {
    const placeholder = placeholders[index];
    const at = placeholder ? text.indexOf(placeholder) : -1;
    if (at < 0 || placed.some((other) => at < other.at + other.length && other.at < at + placeholder!.length)) leading.push(mediaPart(source));
    else placed.push({ at, length: placeholder!.length, media: source });
  });
  placed.sort((first, second) => first.at - second.at);
  const parts: Part[] = [...leading];
  let cursor = 0;
  for (const { at, length, media } of placed) {
    if (at > cursor) parts.push({ type: 'text', text: text.slice(cursor, at) });
    parts.push(mediaPart(media));
    cursor = at + length;
  }
  if (cursor < text.length || placed.length === 0) parts.push({ type: 'text', text: text.slice(cursor) });
  return parts;
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
    // One sample's parts never hold two text parts side by side: nothing to merge.
    return finishRequest(sample, preset, generation, sampleParts(sample, fill(preset.zeroShotTemplate, sample.question)));
  } else {
    const demoTemplate = preset.demoTemplate ?? preset.zeroShotTemplate;
    for (const demo of demos) {
      const demoText = fill(demoTemplate, demo.question, demo.answers[0] ?? '') + (preset.separator ?? '');
      parts.push(...(options.textOnlyDemos ? [{ type: 'text', text: demoText } as const] : sampleParts(demo, demoText)));
    }
    parts.push(...sampleParts(sample, fill(preset.queryTemplate ?? preset.zeroShotTemplate, sample.question)));
  }
  return finishRequest(sample, preset, generation, mergeAdjacentText(parts));
}

function finishRequest(sample: Sample, preset: ProtocolPreset, generation: GenerationSettings, parts: Part[]): Request {
  return preset.system
    ? { sampleId: sample.id, parts, system: preset.system, maxNewTokens: generation.maxNewTokens, numBeams: generation.numBeams, stop: [...preset.stop] }
    : { sampleId: sample.id, parts, maxNewTokens: generation.maxNewTokens, numBeams: generation.numBeams, stop: [...preset.stop] };
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
