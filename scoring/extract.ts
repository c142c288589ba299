// Answer extraction: turning a model's free-form output into the answer that gets scored
// (docs/protocols.md#answer-extraction). The strategy is recorded per run, since it moves scores by several points.

import { ConfigError } from '../core/errors.js';

export type ExtractionStrategy = 'raw' | 'first-line' | 'short-answer' | 'flamingo';

export const extractionStrategies: readonly ExtractionStrategy[] = ['raw', 'first-line', 'short-answer', 'flamingo'];

/**
 * Generation usually starts right after `short answer:`, so outputs often begin with a space or a
 * newline; the first line is taken after those, otherwise a leading newline would yield an empty answer.
 */
function firstLine(text: string): string {
  const content = text.trimStart();
  const newline = content.indexOf('\n');
  return newline === -1 ? content : content.slice(0, newline);
}

/** Cuts before the earliest occurrence of any of the markers. */
function cutBeforeFirst(text: string, markers: readonly string[]): string {
  let end = text.length;
  for (const marker of markers) {
    const index = text.indexOf(marker);
    if (index !== -1 && index < end) end = index;
  }
  return text.slice(0, end);
}

const sentenceEnds = ['. ', '"', ', '];
const leadingFiller = /^(?:it is|it's|a|an|the)(?:\s+|$)/;

/** Emu-I's post-processing, followed by Emu2-Chat: the model tends to answer with a sentence. */
function shortAnswer(text: string): string {
  let answer = cutBeforeFirst(firstLine(text), sentenceEnds).toLowerCase().trim();
  if (answer.endsWith('.')) answer = answer.slice(0, -1).trimEnd();
  return answer.replace(leadingFiller, '').trim();
}

/** open_flamingo's postprocess_generation: the model continues the few-shot pattern after its answer. */
function flamingoAnswer(text: string): string {
  return cutBeforeFirst(cutBeforeFirst(text, ['Question', 'Answer', 'Short']), [', ']).trim();
}

export function extractAnswer(text: string, strategy: ExtractionStrategy): string {
  switch (strategy) {
    case 'raw':
      return text.trim();
    case 'first-line':
      return firstLine(text).trim();
    case 'short-answer':
      return shortAnswer(text);
    case 'flamingo':
      return flamingoAnswer(text);
    default:
      // Reachable from unchecked input (a hand-edited config); the type system covers the rest.
      throw new ConfigError(`unknown answer extraction strategy '${String(strategy satisfies never)}'; expected one of ${extractionStrategies.join(', ')}`);
  }
}
