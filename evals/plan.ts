import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../core/errors.js';
import type { AnswerBy, NormalizeMode, ScoringRuleId } from '../core/contracts/metric.js';
import { scoringRuleFor } from '../scoring/metrics/index.js';
import type { RunConfig, TaskRecord } from '../artifact/schema.js';
import { dataFingerprint } from '../tasks/fingerprint.js';
import { bundledDataDir, getTask } from '../tasks/registry.js';
import type { Sample, TaskAdapter } from '../core/contracts/task.js';
import { inShard, type Shard } from './shard.js';

export interface PlannedTask {
  adapter: TaskAdapter;
  record: TaskRecord;
}

export interface SelectionOptions {
  limit?: number;
  shard?: Shard;
  textOnly?: boolean;
  /** Only counting (the preflight): readers may leave out costly media (LoadOptions.countOnly). */
  countOnly?: boolean;
}

function dataDirFor(task: TaskAdapter, data: string | Record<string, string> | undefined): { dataDir: string; bundledSample: boolean } {
  const given = typeof data === 'string' ? data : data?.[task.id];
  if (given) {
    const dataDir = path.resolve(given);
    if (!existsSync(dataDir)) throw new ConfigError(`${task.id}: data folder not found: ${dataDir}`);
    return { dataDir, bundledSample: false };
  }
  return { dataDir: bundledDataDir(task), bundledSample: true };
}

/** The task as asked under `--answer-by`: its likelihood variant's reader, request and prompts replace its own. */
export function answeredBy(task: TaskAdapter, answerBy: AnswerBy | undefined): TaskAdapter {
  if (answerBy !== 'likelihood') return task;
  if (!task.likelihood) {
    throw new ConfigError(`${task.id}: --answer-by likelihood applies to multiple-choice tasks that can rank their options (seed-bench); ${task.id} is answered by generation only`, true);
  }
  return { ...task, ...task.likelihood };
}

/** A task as planned, all but its data fingerprint (which hashes the split's files). */
export interface TaskDraft {
  adapter: TaskAdapter;
  record: Omit<TaskRecord, 'fingerprint'>;
}

/** The checks and choices of planning (task, split, data folder), without reading the data. */
export function draftTask(id: string, split: string | undefined, data: string | Record<string, string> | undefined, answerBy?: AnswerBy): TaskDraft {
  const adapter = answeredBy(getTask(id), answerBy);
  const chosen = split ?? adapter.defaultSplit;
  const splitInfo = adapter.splits.find((candidate) => candidate.name === chosen);
  if (!splitInfo) throw new ConfigError(`${id}: unknown split "${chosen}"; known: ${adapter.splits.map((known) => known.name).join(', ')}`, true);
  const { dataDir, bundledSample } = dataDirFor(adapter, data);
  return {
    adapter,
    record: { id, version: adapter.version, metric: adapter.metric, benchmark: adapter.benchmark, split: chosen, hasAnswers: splitInfo.hasAnswers, dataDir, bundledSample },
  };
}

/** A drafted task with its data fingerprint. */
export async function planDraft(draft: TaskDraft): Promise<PlannedTask> {
  const { adapter, record } = draft;
  return { adapter, record: { ...record, fingerprint: await dataFingerprint(adapter, record.dataDir, record.split) } };
}

export async function planTask(id: string, split: string | undefined, data: string | Record<string, string> | undefined, answerBy?: AnswerBy): Promise<PlannedTask> {
  return planDraft(draftTask(id, split, data, answerBy));
}

/**
 * Samples of one task after --limit (the first N of the split) and --shard (by sample id), less those
 * in `finished` (by id), from the task's stream (`opened`: one opened ahead, sample-prefetch.ts). With
 * nothing to leave out it is the task's own stream, with no layer between.
 */
export function selectSamples(task: PlannedTask, options: SelectionOptions, finished?: ReadonlySet<string>, opened?: AsyncIterable<Sample>): AsyncIterable<Sample> {
  const samples = opened ?? task.adapter.load({ dataDir: task.record.dataDir, split: task.record.split, textOnly: options.textOnly, countOnly: options.countOnly });
  if (options.limit === undefined && options.shard === undefined && (finished === undefined || finished.size === 0)) return samples;
  return selected(samples, options, finished);
}

async function* selected(samples: AsyncIterable<Sample>, options: SelectionOptions, finished: ReadonlySet<string> | undefined): AsyncGenerator<Sample> {
  let seen = 0;
  for await (const sample of samples) {
    if (options.limit !== undefined && seen >= options.limit) return;
    seen += 1;
    if (inShard(sample.id, options.shard) && !finished?.has(sample.id)) yield sample;
  }
}

/**
 * `--normalize` chooses between the VQA conventions of vqaEval.py's rule only (VQAv2, OK-VQA). The
 * other evaluators have one rule each (docs/official-evaluators.md), recorded as `always`, as exact
 * match always was.
 */
export function effectiveNormalize(task: PlannedTask, config: RunConfig): NormalizeMode {
  return task.adapter.evaluator === 'vqa-eval' ? config.normalize : 'always';
}

/** The rule that scores this task in this run: its evaluator's, varied by --normalize or --gqa-answers. */
export function scoringRuleOf(task: PlannedTask, config: RunConfig): ScoringRuleId {
  return scoringRuleFor(task.adapter.evaluator, { normalize: config.normalize, gqaAnswers: config.gqaAnswers, answerBy: config.answerBy });
}
