import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, DataError } from '../core/errors.js';
import { writeJsonAtomic } from '../core/atomic-file.js';
import { readValidatedJson } from '../core/validation.js';
import { metricsRecordSchema, runRecordSchema, type MetricsRecord, type RunRecord } from './schema.js';

export const RUN_FILE = 'run.json';
export const SAMPLES_FILE = 'samples.jsonl';
export const METRICS_FILE = 'metrics.json';

export function readRunRecord(runDirectory: string): RunRecord {
  const file = path.join(runDirectory, RUN_FILE);
  if (!existsSync(file)) throw new DataError(`${runDirectory} is not a run directory: ${RUN_FILE} is missing`, file);
  return readValidatedJson(runRecordSchema, file);
}

export function writeRunRecord(runDirectory: string, record: RunRecord): void {
  writeJsonAtomic(path.join(runDirectory, RUN_FILE), { ...record, updatedAt: new Date().toISOString() });
}

export function readMetricsRecord(runDirectory: string): MetricsRecord {
  const file = path.join(runDirectory, METRICS_FILE);
  return readValidatedJson(metricsRecordSchema, file);
}

export function writeMetricsRecord(runDirectory: string, record: MetricsRecord): void {
  writeJsonAtomic(path.join(runDirectory, METRICS_FILE), record);
}

export type OpenedRun = { runDirectory: string; record: RunRecord; resumed: boolean };

/**
 * Creates the run directory, or reopens it when the same command ran there before. A directory holding
 * a different configuration is refused rather than mixed: its samples would be counted under the wrong
 * settings.
 */
export function openRunDirectory(outDirectory: string, fresh: RunRecord): OpenedRun {
  const runDirectory = path.resolve(outDirectory, fresh.id);
  if (existsSync(path.join(runDirectory, RUN_FILE))) {
    const previous = readRunRecord(runDirectory);
    if (previous.configHash !== fresh.configHash) {
      const changed = Object.keys({ ...previous.config, ...fresh.config }).filter(
        (key) =>
          JSON.stringify((previous.config as Record<string, unknown>)[key]) !== JSON.stringify((fresh.config as Record<string, unknown>)[key]),
      );
      throw new ConfigError(
        `${runDirectory} holds a run with a different configuration (differs in: ${changed.join(', ') || 'data fingerprint'}); choose another --run-id or --out`,
      );
    }
    const record: RunRecord = {
      ...previous,
      status: 'running',
      command: fresh.command,
      model: fresh.model,
      environment: fresh.environment,
      warnings: fresh.warnings,
      // Same hash, so the same tasks; the fresh records may add what older versions did not record (the scoring rule).
      tasks: fresh.tasks,
      attempts: previous.attempts + 1,
      finishedAt: undefined,
      error: undefined,
    };
    writeRunRecord(runDirectory, record);
    return { runDirectory, record, resumed: true };
  }
  mkdirSync(runDirectory, { recursive: true });
  writeRunRecord(runDirectory, fresh);
  return { runDirectory, record: fresh, resumed: false };
}
