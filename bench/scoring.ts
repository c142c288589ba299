// Benchmark of the scoring layer at VQAv2-val size (214,354 questions, 10 human answers each). The
// official Python evaluator takes about 50 s and 1 GB for this on a 2-core machine (docs/protocols.md#vqa-accuracy).
// Run alone with `node --import tsx bench/scoring.ts`.

import { pathToFileURL } from 'node:url';

import type { NormalizeMode } from '../core/contracts/metric.js';
import { vqaAccuracy } from '../scoring/metrics/vqa-accuracy.js';
import { clearNormalizationCache } from '../scoring/metrics/vqa-normalize.js';
import { seededRandom } from '../core/random.js';
import { bootstrapCI, mean } from '../scoring/stats.js';
import type { BenchResult } from './types.js';
import { benchWholeProcess } from './whole-process.js';

const QUESTION_COUNT = 214_354;
const TIMED_RUNS = 3;

interface SyntheticQuestion {
  answers: string[];
  prediction: string;
}

const colors = ['red', 'blue', 'green', 'white', 'black', 'yellow', 'brown', 'gray', 'orange', 'pink', 'purple', 'silver'];
const objects = [
  'dog', 'cat', 'frisbee', 'pizza', 'tennis racket', 'baseball bat', 'umbrella', 'kite', 'train', 'bus', 'giraffe',
  'elephant', 'surfboard', 'skateboard', 'laptop', 'clock', 'banana', 'hot dog', 'motorcycle', 'horse', 'sheep',
  'cake', 'bench', 'boat', 'traffic light', 'fire hydrant', 'stop sign', 'teddy bear', 'toothbrush', 'vase',
];
const phrases = ["don't know", 'dont know', 'im not sure', 'whats that', 'black and white', 'on table', 'in sky', 'left', 'right'];
const numberWords = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function numberAnswer(random: Random): string {
  const roll = random();
  if (roll < 0.6) return String(Math.floor(random() * 11));
  if (roll < 0.8) return pick(random, numberWords);
  if (roll < 0.9) return `${Math.floor(random() * 9) + 1},${String(Math.floor(random() * 1000)).padStart(3, '0')}`;
  return `${Math.floor(random() * 20)}.${Math.floor(random() * 10)}`;
}

function otherAnswer(random: Random): string {
  const roll = random();
  if (roll < 0.3) return pick(random, colors);
  if (roll < 0.6) return pick(random, objects);
  if (roll < 0.75) return `${pick(random, colors)} ${pick(random, objects)}`;
  if (roll < 0.85) return pick(random, phrases);
  // The long tail of rare answers real annotations have (names, brands, readings of text).
  return `item ${Math.floor(random() * 150_000)}`;
}

function baseAnswer(random: Random, answerType: 'yes/no' | 'number' | 'other'): string {
  if (answerType === 'yes/no') return random() < 0.55 ? 'yes' : 'no';
  return answerType === 'number' ? numberAnswer(random) : otherAnswer(random);
}

/** What annotators type: mostly clean, sometimes capitalized, punctuated, padded or with an article. */
function annotatorVariant(random: Random, answer: string): string {
  const roll = random();
  if (roll < 0.85) return answer;
  if (roll < 0.89) return answer.charAt(0).toUpperCase() + answer.slice(1);
  if (roll < 0.92) return `${answer}.`;
  if (roll < 0.94) return `the ${answer}`;
  if (roll < 0.96) return `${answer}!`;
  if (roll < 0.98) return ` ${answer}\n`;
  return answer.toUpperCase();
}

/** What models emit after extraction: capitals, articles, trailing periods, runs of periods, commas. */
function modelVariant(random: Random, answer: string): string {
  const roll = random();
  if (roll < 0.45) return answer;
  if (roll < 0.55) return answer.charAt(0).toUpperCase() + answer.slice(1);
  if (roll < 0.63) return `The ${answer}.`;
  if (roll < 0.7) return `${answer}.`;
  if (roll < 0.75) return `a ${answer}!`;
  if (roll < 0.8) return `${answer}, probably`;
  if (roll < 0.84) return `${answer}...`;
  if (roll < 0.88) return `"${answer}"`;
  if (roll < 0.92) return `\t${answer} \n`;
  if (roll < 0.96) return `${answer} (${answer})`;
  return `It's ${answer}`;
}

/** Deterministic VQAv2-like questions: about 38 % yes/no, 12 % number, 50 % other, with mixed agreement. */
export function generateSyntheticQuestions(count: number, seed = 2024): SyntheticQuestion[] {
  const random = seededRandom(seed);
  const questions: SyntheticQuestion[] = new Array(count);
  for (let index = 0; index < count; index++) {
    const typeRoll = random();
    const answerType = typeRoll < 0.38 ? 'yes/no' : typeRoll < 0.5 ? 'number' : 'other';
    const consensus = baseAnswer(random, answerType);
    const agreementRoll = random();
    // Unanimous questions exercise the exact-compare path; the rest the normalizing path.
    const agreeing = agreementRoll < 0.3 ? 10 : agreementRoll < 0.7 ? 6 + Math.floor(random() * 4) : 1 + Math.floor(random() * 5);
    const answers = new Array<string>(10);
    for (let answer = 0; answer < 10; answer++) {
      answers[answer] =
        answer < agreeing
          ? agreeing === 10
            ? consensus
            : annotatorVariant(random, consensus)
          : annotatorVariant(random, baseAnswer(random, answerType));
    }
    const predictionBase = random() < 0.65 ? consensus : pick(random, answers).trim() || consensus;
    questions[index] = { answers, prediction: modelVariant(random, predictionBase) };
  }
  return questions;
}

function scoreAll(questions: readonly SyntheticQuestion[], mode: NormalizeMode): Float64Array {
  const scores = new Float64Array(questions.length);
  for (let index = 0; index < questions.length; index++) {
    scores[index] = vqaAccuracy(questions[index].prediction, questions[index].answers, mode);
  }
  return scores;
}

/** Best of TIMED_RUNS after one warm-up run; `beforeEach` runs untimed (to start from a cold cache). */
function bestTime(run: () => void, beforeEach: () => void = () => {}): number {
  beforeEach();
  run();
  let best = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < TIMED_RUNS; attempt++) {
    beforeEach();
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

function peakResidentMegabytes(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024); // maxRSS is in kilobytes
}

function round(value: number, decimals = 1): number {
  return Number(value.toFixed(decimals));
}

export async function benchScoring(): Promise<BenchResult> {
  const questions = generateSyntheticQuestions(QUESTION_COUNT);
  const rows: BenchResult['rows'] = [];
  let scores: Float64Array = new Float64Array(0);

  for (const mode of ['official', 'always'] as const) {
    const milliseconds = bestTime(() => {
      scores = scoreAll(questions, mode);
    }, clearNormalizationCache);
    rows.push({
      step: `vqa_accuracy (${mode}, cold cache)`,
      items: QUESTION_COUNT,
      best_ms: round(milliseconds),
      items_per_s: Math.round((QUESTION_COUNT / milliseconds) * 1000),
      mean_accuracy: round(100 * mean(scores), 2),
      peak_rss_mb: peakResidentMegabytes(),
    });
  }

  const warmMilliseconds = bestTime(() => {
    scores = scoreAll(questions, 'official');
  });
  rows.push({
    step: 'vqa_accuracy (official, warm cache)',
    items: QUESTION_COUNT,
    best_ms: round(warmMilliseconds),
    items_per_s: Math.round((QUESTION_COUNT / warmMilliseconds) * 1000),
    mean_accuracy: round(100 * mean(scores), 2),
    peak_rss_mb: peakResidentMegabytes(),
  });

  let interval: [number, number] = [Number.NaN, Number.NaN];
  const bootstrapMilliseconds = bestTime(() => {
    interval = bootstrapCI(scores, { resamples: 1000, seed: 0 });
  });
  rows.push({
    step: 'bootstrap 95% CI (1000 resamples)',
    items: QUESTION_COUNT,
    best_ms: round(bootstrapMilliseconds, 2),
    items_per_s: Math.round((QUESTION_COUNT / bootstrapMilliseconds) * 1000),
    mean_accuracy: `[${round(100 * interval[0], 2)}, ${round(100 * interval[1], 2)}]`,
    peak_rss_mb: peakResidentMegabytes(),
  });

  // The whole command as users run it, beside the official evaluator (EMU_EVAL_BENCH_CORE_ONLY=1 skips it).
  const whole = process.env.EMU_EVAL_BENCH_CORE_ONLY === '1' ? undefined : await benchWholeProcess();
  return {
    name: 'scoring',
    rows,
    ...(whole ? { sections: [{ name: 'scoring: whole process vs the official evaluator', rows: whole.rows, notes: whole.notes }] } : {}),
    notes: [
      `${QUESTION_COUNT} synthetic questions × 10 answers, generated deterministically (seed 2024); best of ${TIMED_RUNS} runs after a warm-up.`,
      'Cold cache: the normalization memo is cleared before every run, as at the start of a real scoring run.',
      'peak_rss_mb is process.resourceUsage().maxRSS so far (includes the generated data set).',
      'Reference: the official Python evaluator needs about 50 s and 1 GB for a VQAv2-val-sized input.',
      `Node ${process.version}, ${process.platform}/${process.arch}.`,
    ],
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // No top-level await: keeps the module loadable from CommonJS contexts (tsx transpiles per importer).
  void benchScoring().then((result) => console.log(JSON.stringify(result, null, 2)));
}
