import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MetricsRecord, RunRecord } from '../../artifact/schema.js';
import { runCli, writeGoldPredictions } from '../helpers/cli.js';

/** A real run directory: the replay runner answers the bundled sample (every `wrongEvery`-th answer wrong). */
export async function replayRun(out: string, task: string, options: { protocol?: string; wrongEvery?: number; extra?: string[] } = {}): Promise<string> {
  const predictions = path.join(out, `${task}-${options.protocol ?? 'emu2'}-${options.wrongEvery ?? 0}.json`);
  await writeGoldPredictions(task, predictions, options.wrongEvery ? { wrongEvery: options.wrongEvery } : {});
  const { code, stdout, stderr } = await runCli(['run', task, '--model', `replay:${predictions}`, '--protocol', options.protocol ?? 'emu2', '--out', out, '--json', '--quiet', ...(options.extra ?? [])]);
  if (code !== 0) throw new Error(`run ${task} failed: ${stderr}`);
  return (JSON.parse(stdout) as { runDirectory: string }).runDirectory;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Edits a run's records in place, as another emu-eval version or a real-data run would have written them. */
export function editRun(runDirectory: string, edit: { run?: (record: RunRecord) => void; metrics?: (record: MetricsRecord) => void }): void {
  const runFile = path.join(runDirectory, 'run.json');
  const metricsFile = path.join(runDirectory, 'metrics.json');
  const run = readJson<RunRecord>(runFile);
  const metrics = readJson<MetricsRecord>(metricsFile);
  edit.run?.(run);
  edit.metrics?.(metrics);
  writeFileSync(runFile, JSON.stringify(run));
  writeFileSync(metricsFile, JSON.stringify(metrics));
}

/**
 * Adds few-shot results (percent per shot count) to a zero-shot run, the way a few-shot run records
 * them: one metrics entry per shot count, shots listed in the configuration.
 */
export function addShotResults(runDirectory: string, scores: Record<number, number>): void {
  editRun(runDirectory, {
    run: (record) => {
      record.config.shots = [0, ...Object.keys(scores).map(Number)];
    },
    metrics: (record) => {
      const zero = record.results[0]!;
      for (const [shots, value] of Object.entries(scores)) {
        record.results.push({ ...zero, shots: Number(shots), all: { ...zero.all, value, ci95: [value - 5, value + 5] }, valid: { ...zero.valid, value } });
      }
    },
  });
}

/** Marks a run as evaluated on real data (a run on the bundled sample is never ranked). */
export function asRealData(runDirectory: string, split?: string): void {
  editRun(runDirectory, {
    run: (record) => {
      for (const task of record.tasks) {
        task.bundledSample = false;
        if (split) task.split = split;
      }
    },
    metrics: (record) => {
      if (split) for (const result of record.results) result.split = split;
    },
  });
}
