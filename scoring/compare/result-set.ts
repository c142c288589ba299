import { existsSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../core/errors.js';
import { RUN_FILE, readRunRecord } from '../../artifact/run-directory.js';
import type { RunRecord } from '../../artifact/schema.js';
import { isSuiteRunFolder, readSuiteManifest } from '../../artifact/suite-manifest.js';

// What `compare` accepts on either side: one run directory, or a suite run folder (from
// `run --suite` or a nightly) whose entries are run directories named by entry.

export interface ResultRun {
  /** Suite entry name; '' for a plain run directory. */
  entry: string;
  runDirectory: string;
  record: RunRecord;
}

export interface ResultSet {
  path: string;
  kind: 'run' | 'suite';
  suite?: { name: string; hash: string };
  model: string;
  runs: ResultRun[];
  /** Notes for the reader: entries without a run directory, unfinished runs. */
  notes: string[];
}

export function openResultSet(location: string): ResultSet {
  const resolved = path.resolve(location);
  if (existsSync(path.join(resolved, RUN_FILE))) {
    const record = readRunRecord(resolved);
    const notes = record.status === 'finished' ? [] : [`${location}: run is ${record.status}; compared over the samples it finished`];
    return { path: resolved, kind: 'run', model: record.model.spec, runs: [{ entry: '', runDirectory: resolved, record }], notes };
  }
  if (isSuiteRunFolder(resolved)) {
    const manifest = readSuiteManifest(resolved);
    const runs: ResultRun[] = [];
    const notes: string[] = [];
    for (const entry of manifest.entries) {
      const runDirectory = path.resolve(resolved, entry.runDirectory);
      if (!existsSync(path.join(runDirectory, RUN_FILE))) {
        notes.push(`${location}: entry ${entry.name} has no run directory (${entry.status})`);
        continue;
      }
      const record = readRunRecord(runDirectory);
      if (record.status !== 'finished') notes.push(`${location}: entry ${entry.name} is ${record.status}; compared over the samples it finished`);
      runs.push({ entry: entry.name, runDirectory, record });
    }
    return { path: resolved, kind: 'suite', suite: { name: manifest.suite.name, hash: manifest.suite.hash }, model: manifest.model, runs, notes };
  }
  throw new DataError(`${location} is neither a run directory (no ${RUN_FILE}) nor a suite run (no suite.json)`, location);
}
