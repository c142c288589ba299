import path from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../../core/atomic-file.js';
import { readValidatedJson } from '../../core/validation.js';

// night.json: what one nightly ran, how it ended, and how it compared with its baseline night. The
// history (trend table, charts, the next night's baseline) is read from these records alone, so a
// history of a year of nights is read without opening a single samples.jsonl.

export const NIGHT_FILE = 'night.json';
export const NIGHT_RECORD_VERSION = 1;

const interval = z.tuple([z.number(), z.number()]);

export const nightResultSchema = z.strictObject({
  entry: z.string(),
  task: z.string(),
  shots: z.number().int().nonnegative(),
  metric: z.string(),
  split: z.string(),
  protocol: z.string(),
  /** ALL view, percent; with several few-shot trials, their mean. */
  score: z.number().nullable(),
  ci95: interval.nullable(),
  n: z.number().int().nonnegative(),
  trials: z.number().int().positive(),
});

export const nightComparisonSchema = z.strictObject({
  entry: z.string(),
  task: z.string(),
  shots: z.number().int().nonnegative(),
  status: z.enum(['regressed', 'improved', 'unchanged', 'not-compared']),
  /** candidate − baseline, points, over the paired samples. */
  delta: z.number().nullable(),
  ci95: interval.nullable(),
  pValue: z.number().nullable(),
  test: z.string().nullable(),
  n: z.number().int().nonnegative(),
  reasons: z.array(z.string()),
});

export const nightRecordSchema = z.strictObject({
  schemaVersion: z.literal(NIGHT_RECORD_VERSION),
  /** The night's folder name: <date>-<id>. */
  id: z.string(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** The history series is label × suite: --label, default the --model spec. */
  label: z.string(),
  model: z.string(),
  suite: z.strictObject({ name: z.string(), hash: z.string() }),
  status: z.enum(['running', 'finished', 'failed', 'interrupted']),
  /** The process writing the night; a 'running' night whose process is gone ended without finishing. */
  pid: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  error: z.string().optional(),
  baseline: z.strictObject({ id: z.string(), date: z.string() }).optional(),
  /** Why there is no comparison (first night, baseline incomparable ...). */
  baselineNote: z.string().optional(),
  settings: z.strictObject({ threshold: z.number(), alpha: z.number() }),
  results: z.array(nightResultSchema),
  comparisons: z.array(nightComparisonSchema),
  regressions: z.number().int().nonnegative(),
});

export type NightRecord = z.infer<typeof nightRecordSchema>;
export type NightResult = z.infer<typeof nightResultSchema>;
export type NightComparison = z.infer<typeof nightComparisonSchema>;

export function readNightRecord(nightFolder: string): NightRecord {
  return readValidatedJson(nightRecordSchema, path.join(nightFolder, NIGHT_FILE));
}

export function writeNightRecord(nightFolder: string, record: NightRecord): void {
  writeJsonAtomic(path.join(nightFolder, NIGHT_FILE), record);
}
