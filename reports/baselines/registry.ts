import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, DataError } from '../../core/errors.js';
import { parseOrThrow } from '../../core/validation.js';
import { z } from 'zod';
import { baselineFileRowSchema, baselineFromFileRow, type BaselineRow } from './baseline-row.js';
import { publishedBaselines } from './published.js';
import { readCsvObjects } from './read-csv.js';

/** A user row replaces a built-in one that reports the same thing (e.g. to correct a parameter count). */
function identity(row: BaselineRow): string {
  return [row.model, row.benchmark, row.split, row.metric, row.shots, row.shotStyle].join('\u0000').toLowerCase();
}

/** Reads a user baselines file: CSV with the published CSV's header, or a JSON array of such objects. */
export function readBaselineFile(file: string): BaselineRow[] {
  if (!existsSync(file)) throw new ConfigError(`--baselines ${file}: file not found`);
  const text = readFileSync(file, 'utf8');
  if (path.extname(file).toLowerCase() === '.json') {
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch (error) {
      throw new DataError(`${file}: not valid JSON (${(error as Error).message})`, file);
    }
    return parseOrThrow(z.array(baselineFileRowSchema), input, file).map((row) => baselineFromFileRow(row, file));
  }
  let records: Array<Record<string, string>>;
  try {
    records = readCsvObjects(text);
  } catch (error) {
    throw new DataError(`${file}: not valid CSV (${(error as Error).message})`, file);
  }
  // Line numbers as an editor shows them (the header is line 1), for rows without line breaks in quotes.
  return records.map((record, index) => baselineFromFileRow(parseOrThrow(baselineFileRowSchema, record, file, `line ${index + 2}`), file));
}

/** Built-in published rows plus the user's, user rows replacing built-ins that report the same thing. */
export function loadBaselines(userFiles: readonly string[] = []): BaselineRow[] {
  const rows = new Map<string, BaselineRow>();
  for (const row of publishedBaselines) rows.set(identity(row), row);
  for (const file of userFiles) for (const row of readBaselineFile(file)) rows.set(identity(row), row);
  return [...rows.values()];
}

export interface BaselineFilter {
  /** A task id (vqav2) or a benchmark name (VQAv2), either case. */
  benchmark?: string;
  shots?: number;
  model?: string;
}

export function filterBaselines(rows: readonly BaselineRow[], filter: BaselineFilter, benchmarkOfTask: (task: string) => string | undefined): BaselineRow[] {
  const wanted = filter.benchmark ? (benchmarkOfTask(filter.benchmark) ?? filter.benchmark).toLowerCase() : undefined;
  return rows.filter(
    (row) =>
      (wanted === undefined || row.benchmark.toLowerCase() === wanted) &&
      (filter.shots === undefined || row.shots === filter.shots) &&
      (filter.model === undefined || row.model.toLowerCase().includes(filter.model.toLowerCase())),
  );
}
