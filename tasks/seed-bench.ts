import { inferChoice } from '../scoring/multiple-choice/infer-choice.js';
import { mostLikelyLetter } from '../scoring/multiple-choice/likelihood-choice.js';
import { officialOrParquetOnFirstUse } from './formats/lazy-load.js';
import { withParquetFiles } from './formats/parquet-layout.js';
import type { SeedBenchSplit } from './formats/seed-bench-reader.js';
import { SEED_BENCH_PARQUET_FILES } from './parquet/snapshot-files.js';
import { letterPrompts } from './prompts/multiple-choice.js';
import type { Sample, SplitInfo, TaskAdapter, TaskPromptPieces } from '../core/contracts/task.js';
import { presets } from './prompts/presets.js';

// SEED-Bench (v1), image part: evaluation dimensions 1–9, four options A–D, accuracy overall and per
// dimension. Answered by generation (the option letter, LLaVA-1.5's prompt, VLMEvalKit's can_infer), or
// with --answer-by likelihood as SEED-Bench's eval.py does: the option text with the highest summed
// log-likelihood after `Question: {question}\nAnswer:` is the prediction.

const splits: readonly SeedBenchSplit[] = [{ name: 'test', file: 'SEED-Bench.json' }];

// Or lmms-lab/SEED-Bench's rows on the Hugging Face hub (tasks/formats/seed-bench-reader.ts), when SEED-Bench.json is absent.
const splitInfos = withParquetFiles(
  splits.map((split): SplitInfo => ({ name: split.name, hasAnswers: true, files: [split.file] })),
  { splits: SEED_BENCH_PARQUET_FILES },
);

function choicesOf(sample: Sample): Record<string, string> {
  return sample.meta.choices as Record<string, string>;
}

// eval.py's prompt (model/instruct_blip_interface.py, process_prompt), under every preset.
const likelihoodPrompts: Readonly<Record<string, TaskPromptPieces>> = Object.fromEntries(
  Object.keys(presets).map((preset) => [preset, { zeroShotTemplate: 'Question: {question}\nAnswer:' }]),
);

export const seedBench = {
  id: 'seed-bench',
  benchmark: 'SEED-Bench',
  version: 1,
  modality: 'image',
  metric: 'choice_accuracy',
  evaluator: 'seed-bench-eval',
  description: 'SEED-Bench image part (dimensions 1–9): multiple choice A–D; by generation, or --answer-by likelihood',
  splits: splitInfos,
  defaultSplit: 'test',
  sampleFolder: 'seed-bench',
  recordMeta: ['dimension'],
  breakdowns: ['dimension'],
  // A refusal (`Z`) stays `Z`, and scores 0 like an answer nothing could be read from ('').
  parseAnswer: (output, sample) => inferChoice(output, choicesOf(sample)) || '',
  prompts: letterPrompts,
  load: officialOrParquetOnFirstUse(splitInfos, async () => {
    const { withOptionsHubLayout, loadWithOptions } = await import('./formats/seed-bench-reader.js');
    return { parquet: withOptionsHubLayout, official: (options) => loadWithOptions(splits, options) };
  }),
  likelihood: {
    request: {
      kind: 'loglik',
      // The option texts in A–D order, each after one space (the prompt ends with `Answer:`).
      continuations: (sample) => Object.values(choicesOf(sample)).map((choice) => ` ${choice}`),
      predict: ({ logprobs }) => mostLikelyLetter(logprobs),
    },
    prompts: likelihoodPrompts,
    load: officialOrParquetOnFirstUse(splitInfos, async () => {
      const { bareQuestionsHubLayout, loadBareQuestions } = await import('./formats/seed-bench-reader.js');
      return { parquet: bareQuestionsHubLayout, official: (options) => loadBareQuestions(splits, options) };
    }),
  },
} satisfies TaskAdapter;
