import { existsSync } from 'node:fs';
import path from 'node:path';
import { SAMPLES_FILE } from '../artifact/run-directory.js';
import type { SampleRecord } from '../artifact/schema.js';
import { readSampleRecords } from '../artifact/samples-log.js';

export interface OutputExamples {
  runId: string;
  task: string;
  shots: number;
  /** Wrong and error samples first: they are what a reader looks at outputs for. */
  samples: SampleRecord[];
  total: number;
}

/** The first `limit` outputs per task × shots of a run (wrong ones first), from samples.jsonl. */
export async function readOutputExamples(runDirectory: string, runId: string, limit: number): Promise<OutputExamples[]> {
  const file = path.join(runDirectory, SAMPLES_FILE);
  if (!existsSync(file)) return [];
  const byTask = new Map<string, { wrong: SampleRecord[]; right: SampleRecord[]; total: number; task: string; shots: number }>();
  for await (const record of readSampleRecords(file)) {
    const key = `${record.task}\u0000${record.shots}`;
    const entry = byTask.get(key) ?? { wrong: [], right: [], total: 0, task: record.task, shots: record.shots };
    entry.total += 1;
    const bucket = record.score === null || record.score < 1 ? entry.wrong : entry.right;
    if (bucket.length < limit) bucket.push(record);
    byTask.set(key, entry);
  }
  return [...byTask.values()].map((entry) => ({
    runId,
    task: entry.task,
    shots: entry.shots,
    samples: [...entry.wrong, ...entry.right].slice(0, limit),
    total: entry.total,
  }));
}
