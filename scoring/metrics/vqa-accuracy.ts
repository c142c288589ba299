// VQA accuracy exactly as vqaEval.py computes it (docs/protocols.md#vqa-accuracy), down to the last bit of the double.

import { DataError } from '../../core/errors.js';
import type { NormalizeMode } from '../../core/contracts/metric.js';
import { cleanAnswer, normalizeAnswer, shouldNormalize } from './vqa-normalize.js';

/** Reused between calls (scoring is synchronous): avoids one allocation per question over 200k questions. */
let matchesPrediction = new Uint8Array(16);

/**
 * For each human answer i, the share of the *other* answers (by position) equal to the prediction,
 * capped at three: min(1, matches / 3). The question's accuracy is the mean of those values, summed in
 * answer order like Python's `sum`, so k = 2 matches gives 0.5999999999999999, not 0.6.
 * Returns the unrounded value in [0, 1].
 */
export function vqaAccuracy(prediction: string, answers: readonly string[], mode: NormalizeMode = 'official'): number {
  const count = answers.length;
  if (count === 0) throw new DataError('VQA accuracy needs at least one human answer; the question has none');
  if (matchesPrediction.length < count) matchesPrediction = new Uint8Array(count);

  const normalize = shouldNormalize(answers, mode);
  const candidate = normalize ? normalizeAnswer(prediction) : cleanAnswer(prediction);
  let totalMatches = 0;
  let previousRaw: string | undefined;
  let previousMatches = 0;
  for (let index = 0; index < count; index++) {
    const raw = answers[index];
    // Annotators mostly agree, so the same raw answer repeats: skip its cache lookup (the hot cost).
    if (raw !== previousRaw) {
      previousRaw = raw;
      previousMatches = (normalize ? normalizeAnswer(raw) : cleanAnswer(raw)) === candidate ? 1 : 0;
    }
    matchesPrediction[index] = previousMatches;
    totalMatches += previousMatches;
  }
  if (totalMatches === 0) return 0;

  let sum = 0;
  for (let index = 0; index < count; index++) {
    sum += Math.min(1, (totalMatches - matchesPrediction[index]) / 3);
  }
  return sum / count;
}
