// The grading loop of mm-vet_evaluator.py for one sample and one grading run: ask at temperature 0
// with at most 3 new tokens; while the reply is not a score, re-ask with "Predict the correctness of
// the answer (digit): " appended, the temperature rising by 0.5 each time (0, 0.5, 1.0, 1.5). The
// evaluator gives up after five unusable replies and records 0.0; here that grading FAILS instead —
// counted, shown, and never averaged in as a zero. A call that fails after the runner's own retries
// (network, 5xx) fails the grading too.
//
// Five grading runs (the MM-Vet paper's and Emu2's protocol) are five independent requests: each
// carries its run number as the request `seed`, so a cached reply of run 1 is never replayed as run 2.
import type { Output, Request, Runner } from '../../../core/contracts/runner.js';
import { mmVetGraderMessage } from './grader-prompt.js';
import { parseMmVetGrade } from './parse-grade.js';

export const MM_VET_GRADER_MAX_TOKENS = 3;
/** Replies the evaluator parses before it gives up (its sixth call is never read). */
export const MM_VET_MAX_ATTEMPTS = 5;
export const MM_VET_TEMPERATURE_STEP = 0.5;
export { MM_VET_DEFAULT_RUNS } from './defaults.js';

export interface MmVetItem {
  sampleId: string;
  question: string;
  /** The gold answer, with MM-Vet's <AND> / <OR> markers. */
  answer: string;
  /** The model's raw answer. */
  prediction: string;
}

/** One grading run's outcome: a score, or why there is none. `attempts` counts grader replies read. */
export type MmVetGrading = { run: number; score: number; attempts: number; cached?: boolean } | { run: number; error: string; attempts: number };

export function mmVetGraderRequest(item: MmVetItem, run: number, attempt: number): Request {
  return {
    sampleId: item.sampleId,
    parts: [{ type: 'text', text: mmVetGraderMessage(item.question, item.answer, item.prediction, attempt > 0) }],
    maxNewTokens: MM_VET_GRADER_MAX_TOKENS,
    numBeams: 1,
    stop: [],
    // The first re-ask is still greedy; the evaluator raises the temperature after each re-ask.
    temperature: Math.max(0, attempt - 1) * MM_VET_TEMPERATURE_STEP,
    seed: run,
  };
}

/**
 * Grades every item in every run 0 … runs-1. Each attempt round sends all still-ungraded gradings in
 * one batch (the runner's limiter decides how many go on the wire). Outcomes per item, in run order.
 */
export async function gradeMmVet(runner: Runner, items: readonly MmVetItem[], runs: number, signal: AbortSignal): Promise<MmVetGrading[][]> {
  const outcomes: MmVetGrading[][] = items.map(() => []);
  let pending = items.flatMap((_item, index) => Array.from({ length: runs }, (_unused, run) => ({ index, run })));
  const lastError = new Map<string, string>();
  for (let attempt = 0; attempt < MM_VET_MAX_ATTEMPTS && pending.length > 0; attempt++) {
    const outputs: Output[] = await runner.generate(
      pending.map(({ index, run }) => mmVetGraderRequest(items[index]!, run, attempt)),
      signal,
    );
    const next: typeof pending = [];
    pending.forEach(({ index, run }, position) => {
      const output = outputs[position];
      const key = `${index}:${run}`;
      if (!output || output.finishReason === 'error') {
        // A failed call is not an unusable reply: the runner already retried it.
        outcomes[index]!.push({ run, error: `grader call failed: ${output?.error ?? 'no output'}`, attempts: attempt });
        return;
      }
      const parsed = parseMmVetGrade(output.text);
      if (parsed.ok) {
        outcomes[index]!.push({ run, score: parsed.score, attempts: attempt + 1, ...(output.cached ? { cached: true } : {}) });
        return;
      }
      lastError.set(key, parsed.reason);
      next.push({ index, run });
    });
    pending = next;
  }
  for (const { index, run } of pending) {
    outcomes[index]!.push({ run, error: `no score in ${MM_VET_MAX_ATTEMPTS} grader replies; the last: ${lastError.get(`${index}:${run}`)}`, attempts: MM_VET_MAX_ATTEMPTS });
  }
  for (const graded of outcomes) graded.sort((first, second) => first.run - second.run);
  return outcomes;
}
