// Exact match for single-answer benchmarks (GQA, MSVD-QA, MSRVTT-QA, ActivityNet-QA; docs/protocols.md#exact-match).

import type { NormalizeMode } from '../../core/contracts/metric.js';
import { cleanAnswer, normalizeAnswer, shouldNormalize } from './vqa-normalize.js';

/**
 * 1 when the prediction equals any gold answer, else 0. By default (`always`) both sides go through
 * the VQA normalization (which lowercases). `official` follows vqaEval.py's rule instead: gold answers
 * that all agree (always the case with a single gold answer) are compared exactly, case-sensitively.
 */
export function exactMatch(prediction: string, answers: readonly string[], mode: NormalizeMode = 'always'): number {
  const normalize = shouldNormalize(answers, mode);
  const candidate = normalize ? normalizeAnswer(prediction) : cleanAnswer(prediction);
  for (const answer of answers) {
    if ((normalize ? normalizeAnswer(answer) : cleanAnswer(answer)) === candidate) return 1;
  }
  return 0;
}
