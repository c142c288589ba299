import type { Argv } from 'yargs';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { aCount, parseFlags } from '../core/flags.js';
import { parseShard, resolveAutoShard, type Shard } from '../evals/shard.js';
import { extractionStrategies, type ExtractionStrategy } from '../scoring/extract.js';

/** Options of every command that writes a run directory. */
export function withRunOutput<T>(yargs: Argv<T>) {
  return yargs
    .option('out', { type: 'string', default: './runs', describe: 'Folder that holds run directories' })
    .option('run-id', { type: 'string', describe: 'Name of the run directory (default: derived from the configuration, so the same command resumes)' })
    .option('normalize', { choices: ['official', 'always'] as const, default: 'official' as const, describe: 'VQAv2 / OK-VQA: official normalizes only when annotators disagree (vqaEval.py); always: lmms-eval/VLMEvalKit convention. TextVQA, VizWiz and GQA follow their own evaluators (docs/official-evaluators.md)' })
    .option('gqa-answers', { choices: ['official', 'llava'] as const, default: 'official' as const, describe: "GQA: official compares predictions as given (the release's eval.py); llava strips trailing periods and lowercases first (LLaVA's convert_gqa_for_eval.py)" })
    .option('extraction', { choices: extractionStrategies, describe: 'Answer extraction strategy (default: the protocol preset\'s)' })
    .option('limit', { type: 'number', describe: 'Evaluate only the first N samples of each task' })
    .option('split', { type: 'string', describe: 'Dataset split (default: each task\'s evaluation split)' });
}

/** The LLM judge's flags (`run` and `score`): Video-ChatGPT's judge for video QA, the grader of mm-vet. */
export function withJudgeOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('judge', { type: 'string', describe: "LLM judge on an OpenAI-compatible server (openai:URL): video QA is also scored with Video-ChatGPT's judge; mm-vet needs it, its grader gives the score" })
    .option('judge-model', { type: 'string', describe: "The judge's served model name (required with --judge; pinned in run.json; MM-Vet's paper grades with gpt-4-0613)" })
    .option('judge-runs', { type: 'number', describe: 'mm-vet: independent grading runs per answer, averaged (default 5, as the MM-Vet paper and Emu2 report)' });
}

/** The judge settings from those flags; the judge talks to its server with the key the model's does (`--api-key-env`), when one is named. */
export function judgeSettings(argv: Readonly<Record<string, unknown>>): { judge?: { spec: string; model: string; apiKeyEnv?: string }; judgeRuns?: number } {
  const apiKeyEnv = argv['api-key-env'];
  return {
    ...(argv.judge ? { judge: { spec: argv.judge as string, model: (argv['judge-model'] as string | undefined) ?? '', ...(typeof apiKeyEnv === 'string' && apiKeyEnv ? { apiKeyEnv } : {}) } } : {}),
    ...(argv['judge-runs'] !== undefined ? { judgeRuns: argv['judge-runs'] as number } : {}),
  };
}

/** `--data DIR` for every task, or `--data task=DIR` (repeatable) for one task each. */
export function parseDataOption(values: string | string[] | undefined): string | Record<string, string> | undefined {
  if (values === undefined) return undefined;
  const list = Array.isArray(values) ? values : [values];
  const plain = list.filter((value) => !/^[a-z0-9-]+=/.test(value));
  if (plain.length > 1) throw new ConfigError('--data: give one folder for all tasks, or task=DIR for each task', true);
  if (plain.length === 1 && list.length === 1) return plain[0];
  const perTask: Record<string, string> = {};
  for (const value of list) {
    const equals = value.indexOf('=');
    if (equals < 0) throw new ConfigError(`--data ${value}: with several --data, write each as task=DIR`, true);
    perTask[value.slice(0, equals)] = value.slice(equals + 1);
  }
  return perTask;
}

// The counting flags of `run`, `run --suite` and `nightly`, checked by one schema before anything is
// loaded: a usage error (exit 2) naming the flag and the value, the way backends check theirs
// (--threads, --concurrency: core/flags.ts). Flags a command does not declare are simply absent.
const countFlagsSchema = z.object({
  'batch-size': aCount.optional(),
  'max-new-tokens': aCount.optional(),
  'num-beams': aCount.optional(),
  frames: aCount.optional(),
  trials: aCount.optional(),
  limit: aCount.optional(),
  shards: aCount.optional(),
  'judge-runs': aCount.optional(),
});

/** Refuses a counting flag that is not a whole number greater than 0, naming it and its value. */
export function checkCountFlags(argv: Readonly<Record<string, unknown>>): void {
  parseFlags(countFlagsSchema, argv);
}

/** `--shard i/n`, or `--shard auto` resolved from the scheduler's environment; `--shards` only means something with auto. */
export function parseShardOption(argv: Readonly<Record<string, unknown>>): Shard | undefined {
  const shards = argv.shards as number | undefined;
  if (shards !== undefined && argv.shard !== 'auto') throw new ConfigError('--shards N goes with --shard auto (with --shard i/n, n is the count)', true);
  if (typeof argv.shard !== 'string') return undefined;
  return argv.shard.trim() === 'auto' ? resolveAutoShard(process.env, shards) : parseShard(argv.shard);
}

export function asExtraction(value: string | undefined): ExtractionStrategy | undefined {
  return value as ExtractionStrategy | undefined;
}

/** `0,4,8` → [0, 4, 8]; whole numbers only. */
export function parseNumberList(text: string | undefined, flag: string): number[] | undefined {
  if (text === undefined) return undefined;
  const values = String(text).split(',').map((part) => part.trim()).filter(Boolean);
  if (values.length === 0 || values.some((value) => !/^-?\d+$/.test(value))) throw new ConfigError(`${flag} takes a comma list of whole numbers, found "${text}"`, true);
  return values.map(Number);
}
