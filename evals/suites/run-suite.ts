import { mkdirSync } from 'node:fs';
import { ConfigError, errorMessage } from '../../core/errors.js';
import { evaluate, type EvaluateOptions, type EvaluationResult } from '../evaluate.js';
import type { RunnerOptions } from '../../core/contracts/runner.js';
import { isSuiteRunFolder, readSuiteManifest, writeSuiteManifest, SUITE_MANIFEST_VERSION, type SuiteManifest } from '../../artifact/suite-manifest.js';
import type { Suite, SuiteEntry } from './suite-schema.js';

/** What the suite decides for each entry; everything else (model, data, runner flags) is shared. */
type EntryControlled = 'kind' | 'tasks' | 'protocol' | 'shots' | 'seeds' | 'trials' | 'limit' | 'split' | 'demos' | 'frames' | 'frameSampler' | 'outDir' | 'runId';

export interface SuiteRunOptions {
  suite: Suite;
  entries: readonly SuiteEntry[];
  /** The suite run folder: suite.json plus one run directory per entry, named by the entry. */
  folder: string;
  shared: Omit<EvaluateOptions, EntryControlled>;
  /** Runner options that depend on the entry's protocol (an OpenAI server's beam count). */
  runnerOptionsFor?: (entry: SuiteEntry) => RunnerOptions;
  onEntryStart?: (entry: SuiteEntry, index: number) => void;
}

export interface SuiteRunResult {
  folder: string;
  manifest: SuiteManifest;
  results: Array<{ entry: SuiteEntry; result: EvaluationResult }>;
}

/** One entry's evaluate() options: the suite's settings over the shared ones. */
export function entryEvaluateOptions(entry: SuiteEntry, options: Pick<SuiteRunOptions, 'folder' | 'shared' | 'runnerOptionsFor'>): EvaluateOptions {
  const runnerOptions = { ...options.shared.runnerOptions, ...options.runnerOptionsFor?.(entry) };
  return {
    ...options.shared,
    kind: 'run',
    tasks: [...entry.tasks],
    protocol: entry.protocol,
    shots: [...entry.shots],
    ...(entry.seeds ? { seeds: [...entry.seeds] } : {}),
    ...(entry.limit !== undefined ? { limit: entry.limit } : {}),
    ...(entry.split ? { split: entry.split } : {}),
    ...(entry.demos ? { demos: entry.demos } : {}),
    ...(entry.frames !== undefined ? { frames: entry.frames } : {}),
    ...(entry.frameSampler ? { frameSampler: entry.frameSampler } : {}),
    runnerOptions,
    outDir: options.folder,
    runId: entry.name,
  };
}

/** Reopens a suite run folder for the same suite and model, or refuses one holding something else. */
function openManifest(options: SuiteRunOptions): SuiteManifest {
  const { suite, folder, entries } = options;
  const now = new Date().toISOString();
  const fresh: SuiteManifest = {
    schemaVersion: SUITE_MANIFEST_VERSION,
    suite: { name: suite.name, file: suite.file, hash: suite.hash },
    model: options.shared.model,
    status: 'running',
    entries: entries.map((entry) => ({ name: entry.name, runDirectory: entry.name, status: 'pending' })),
    createdAt: now,
    updatedAt: now,
  };
  if (!isSuiteRunFolder(folder)) {
    mkdirSync(folder, { recursive: true });
    return fresh;
  }
  const previous = readSuiteManifest(folder);
  if (previous.suite.name !== suite.name || previous.suite.hash !== suite.hash || previous.model !== fresh.model) {
    throw new ConfigError(
      `${folder} holds a run of suite ${previous.suite.name} (${previous.suite.hash}) with model ${previous.model}, not suite ${suite.name} (${suite.hash}) with model ${fresh.model}; choose another --run-id or --out`,
    );
  }
  const known = new Map(previous.entries.map((entry) => [entry.name, entry]));
  return { ...fresh, createdAt: previous.createdAt, entries: fresh.entries.map((entry) => known.get(entry.name) ?? entry) };
}

/**
 * Runs every selected entry through evaluate(), one run directory each. A failed entry fails the suite
 * run (and stops it: a nightly with a broken entry must not look finished); an interrupted one stops it
 * resumable. Rerunning the same suite into the same folder resumes every entry.
 */
export async function runSuite(options: SuiteRunOptions): Promise<SuiteRunResult> {
  const manifest = openManifest(options);
  writeSuiteManifest(options.folder, manifest);
  const results: SuiteRunResult['results'] = [];
  const setEntry = (name: string, status: SuiteManifest['entries'][number]['status']) => {
    manifest.entries = manifest.entries.map((entry) => (entry.name === name ? { ...entry, status } : entry));
    writeSuiteManifest(options.folder, manifest);
  };
  for (const [index, entry] of options.entries.entries()) {
    options.onEntryStart?.(entry, index);
    setEntry(entry.name, 'running');
    let result: EvaluationResult;
    try {
      result = await evaluate(entryEvaluateOptions(entry, options));
    } catch (error) {
      manifest.status = 'failed';
      manifest.error = `entry ${entry.name}: ${errorMessage(error)}`;
      setEntry(entry.name, 'failed');
      throw error;
    }
    results.push({ entry, result });
    const status = result.record.status === 'interrupted' ? 'interrupted' : result.record.status === 'failed' ? 'failed' : 'finished';
    setEntry(entry.name, status);
    if (status !== 'finished') {
      manifest.status = status;
      writeSuiteManifest(options.folder, manifest);
      return { folder: options.folder, manifest, results };
    }
  }
  manifest.status = 'finished';
  delete manifest.error;
  writeSuiteManifest(options.folder, manifest);
  return { folder: options.folder, manifest, results };
}
