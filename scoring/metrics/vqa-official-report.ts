import type { TaskMetrics } from '../../artifact/schema.js';
import { roundHalfEven } from './python-round.js';
import type { ScoredItem } from './scored-item.js';
import { averagePrecision, f1Score, type AnswerabilityItem } from './vizwiz-answerability.js';
import { predictsUnanswerable } from './vizwiz-vqa-eval.js';

/**
 * The official report: 2-decimal percentages of unrounded per-question accuracies, as vqaEval.py and
 * the VizWiz API compute them (round(100 · sum / n, 2)). The m4c evaluator divides first and then
 * scales (100 · (sum / n)), which can differ in the last bit, so it gets its own order.
 */
export function officialReport(items: ScoredItem[], rule: string | undefined): TaskMetrics['official'] {
  const percent = rule === 'm4c-textvqa' ? (sum: number, n: number) => 100 * (sum / n) : (sum: number, n: number) => (100 * sum) / n;
  let sum = 0;
  const perType = new Map<string, { sum: number; n: number }>();
  for (const item of items) {
    const score = item.score ?? 0;
    sum += score;
    const type = item.meta.answerType;
    if (typeof type === 'string') {
      const entry = perType.get(type) ?? { sum: 0, n: 0 };
      entry.sum += score;
      entry.n += 1;
      perType.set(type, entry);
    }
  }
  const unanswerability = rule === 'vizwiz-vqa-eval' ? unanswerabilityReport(items) : undefined;
  return {
    overall: roundHalfEven(percent(sum, items.length), 2),
    perAnswerType: Object.fromEntries([...perType.entries()].map(([type, entry]) => [type, roundHalfEven(percent(entry.sum, entry.n), 2)])),
    ...(unanswerability ? { unanswerability } : {}),
  };
}

/**
 * VizWiz's answerability figures, when every item knows its annotation's `answerable` (runs made
 * before it was recorded do not). An errored sample has an empty answer, which does not say
 * "unanswerable".
 */
function unanswerabilityReport(items: ScoredItem[]): { averagePrecision: number; f1Score: number } | undefined {
  const answerability: AnswerabilityItem[] = [];
  for (const item of items) {
    const answerable = item.meta.answerable;
    if (answerable !== '0' && answerable !== '1') return undefined;
    answerability.push({ unanswerable: answerable === '0', predictedUnanswerable: predictsUnanswerable(item.extracted ?? '') });
  }
  return { averagePrecision: roundHalfEven(100 * averagePrecision(answerability), 2), f1Score: roundHalfEven(100 * f1Score(answerability), 2) };
}

