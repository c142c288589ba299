import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../../core/errors.js';
import { compareResultSets, type CompareSettings, type RunComparison } from '../../scoring/compare/compare-runs.js';
import { openResultSet } from '../../scoring/compare/result-set.js';
import { isVideoTask } from '../../tasks/registry.js';
import { runSuite, type SuiteRunOptions } from '../suites/run-suite.js';
import type { Suite, SuiteEntry } from '../suites/suite-schema.js';
import { appendHistoryCsv } from '../../artifact/history/history-csv.js';
import { acquireHistoryLock } from '../../artifact/history/history-lock.js';
import { listNights, localDate, newNightId, nightsOfSeries, sortNights, type StoredNight } from '../../artifact/history/history-layout.js';
import { findBaselineNight, type BaselinePolicy } from './last-successful.js';
import { NIGHT_RECORD_VERSION, writeNightRecord, type NightRecord } from '../../artifact/history/night-record.js';
import { nightComparisons, nightResults } from './night-summary.js';
import type { NightlyReportContext } from '../../reports/nightly-report.js';

export interface NightlyOptions {
  historyFolder: string;
  suite: Suite;
  entries: readonly SuiteEntry[];
  /** The series name: nights of one label and suite form one history. */
  label: string;
  /** YYYY-MM-DD (default today, local time); for backfills. */
  date?: string;
  baselinePolicy: BaselinePolicy;
  compare: Partial<Pick<CompareSettings, 'threshold' | 'alpha' | 'flips' | 'view' | 'seed'>>;
  shared: SuiteRunOptions['shared'];
  runnerOptionsFor?: SuiteRunOptions['runnerOptionsFor'];
  onEntryStart?: SuiteRunOptions['onEntryStart'];
  notify?: (level: 'info' | 'warning', message: string) => void;
  /** Writes report.md, report.html and charts into the night's folder (reports/ is a consumer of evals/, so it is passed in). */
  writeReport?: (context: NightlyReportContext) => Promise<string[]>;
}

export interface NightlyResult {
  night: StoredNight;
  baseline?: StoredNight;
  comparison?: RunComparison;
  csvFile?: string;
  reportFiles: string[];
}

/** Nights left 'running' by a process that died: under the lock nobody else can be writing them. */
function closeAbandonedNights(nights: readonly StoredNight[], notify: NonNullable<NightlyOptions['notify']>): void {
  for (const night of nights) {
    if (night.record.status !== 'running' || night.record.pid === process.pid) continue;
    night.record.status = 'failed';
    night.record.error = `ended without finishing (process ${night.record.pid} is gone)`;
    writeNightRecord(night.folder, night.record);
    notify('warning', `${night.folder}: marked failed — ${night.record.error}`);
  }
}

/**
 * One night: run the suite into DIR/<date>-<id>/, compare with the last successful night of the same
 * label and suite, record the night, append the leaderboard CSV, write the report. All under the
 * history lock. A night that fails or is interrupted is recorded as such and is never a baseline.
 */
export async function runNightly(options: NightlyOptions): Promise<NightlyResult> {
  const notify = options.notify ?? (() => {});
  const lock = acquireHistoryLock(options.historyFolder);
  try {
    if (lock.tookOverFrom !== undefined) notify('warning', `took over the history lock of process ${lock.tookOverFrom}, which is gone`);
    const { nights, problems } = listNights(options.historyFolder);
    for (const problem of problems) notify('warning', problem);
    closeAbandonedNights(nights, notify);
    const date = options.date ?? localDate();
    const baseline = findBaselineNight(nights, { label: options.label, suite: options.suite.name, date, policy: options.baselinePolicy });
    const id = newNightId(date);
    const folder = path.join(path.resolve(options.historyFolder), id);
    const record: NightRecord = {
      schemaVersion: NIGHT_RECORD_VERSION,
      id,
      date,
      label: options.label,
      model: options.shared.model,
      suite: { name: options.suite.name, hash: options.suite.hash },
      status: 'running',
      pid: process.pid,
      startedAt: new Date().toISOString(),
      ...(baseline ? { baseline: { id: baseline.record.id, date: baseline.record.date } } : { baselineNote: 'first finished night of this series: nothing to compare with' }),
      settings: { threshold: options.compare.threshold ?? 1, alpha: options.compare.alpha ?? 0.05 },
      results: [],
      comparisons: [],
      regressions: 0,
    };
    const night: StoredNight = { folder, record };
    // Recorded as 'running' before anything runs: a killed night is then found and closed as failed.
    mkdirSync(folder, { recursive: true });
    writeNightRecord(folder, record);
    const suiteRun = await runSuite({ suite: options.suite, entries: options.entries, folder, shared: options.shared, runnerOptionsFor: options.runnerOptionsFor, onEntryStart: options.onEntryStart }).catch(
      (error: unknown) => {
        record.status = 'failed';
        record.error = errorMessage(error);
        writeNightRecord(folder, record);
        throw error;
      },
    );
    record.results = suiteRun.results.flatMap(({ entry, result }) => nightResults(entry.name, result.record, result.metrics));
    if (suiteRun.manifest.status !== 'finished') {
      record.status = suiteRun.manifest.status === 'interrupted' ? 'interrupted' : 'failed';
      record.error = suiteRun.manifest.error ?? `suite run ${suiteRun.manifest.status}`;
      writeNightRecord(folder, record);
      return { night, reportFiles: [] };
    }
    let comparison: RunComparison | undefined;
    if (baseline) {
      try {
        comparison = await compareResultSets(openResultSet(baseline.folder), openResultSet(folder), { ...options.compare, incompatible: 'skip' }, { isVideoTask });
        record.comparisons = nightComparisons(comparison);
        record.regressions = comparison.regressions;
        const skipped = comparison.units.filter((unit) => unit.status === 'not-compared').length;
        if (skipped > 0) notify('warning', `${skipped} result(s) not compared with ${baseline.record.id}: see the report for why`);
      } catch (error) {
        record.baselineNote = `comparison with ${baseline.record.id} failed: ${errorMessage(error)}`;
        notify('warning', record.baselineNote);
      }
    }
    record.status = 'finished';
    record.finishedAt = new Date().toISOString();
    writeNightRecord(folder, record);
    const csvFile = appendHistoryCsv(options.historyFolder, record);
    const series = sortNights(nightsOfSeries([...nights, night], options.label, options.suite.name)).filter((entry) => entry.record.status === 'finished' && entry.record.date <= date);
    const reportFiles = options.writeReport ? await options.writeReport({ night, ...(baseline ? { baseline } : {}), ...(comparison ? { comparison } : {}), series }) : [];
    return { night, ...(baseline ? { baseline } : {}), ...(comparison ? { comparison } : {}), csvFile, reportFiles };
  } finally {
    lock.release();
  }
}
