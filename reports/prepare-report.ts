import type { BaselineRow } from './baselines/baseline-row.js';
import { loadBaselines } from './baselines/registry.js';
import { collectRuns, type CollectOptions, type OurResult } from './collect.js';
import { buildComparison, type Comparison, type ComparisonOptions } from './compare-rows.js';
import type { ParamsBasis } from './params-basis.js';

export interface ReportOptions extends CollectOptions {
  runDirectories: readonly string[];
  baselineFiles?: readonly string[];
  basis?: ParamsBasis;
  scope?: ComparisonOptions['scope'];
}

export interface PreparedReport {
  ours: OurResult[];
  baselines: BaselineRow[];
  comparison: Comparison;
  /** Things the reader must know about the inputs as a whole (synthetic data, missing counts). */
  warnings: string[];
}

/** Everything every report format needs, read from run artifacts and the baseline registry only. */
export function prepareReport(options: ReportOptions): PreparedReport {
  const ours = collectRuns(options.runDirectories, options);
  const baselines = loadBaselines(options.baselineFiles ?? []);
  const comparison = buildComparison(ours, baselines, { basis: options.basis ?? 'total', scope: options.scope ?? 'attached' });
  return { ours, baselines, comparison, warnings: reportWarnings(ours) };
}

export function reportWarnings(ours: readonly OurResult[]): string[] {
  const warnings: string[] = [];
  const synthetic = [...new Set(ours.filter((result) => result.bundledSample).map((result) => `${result.runId} (${result.task})`))];
  if (synthetic.length > 0) {
    warnings.push(`synthetic sample — not comparable: ${synthetic.join(', ')} ran on the bundled synthetic data; those numbers are shown but never ranked against published ones`);
  }
  const withoutParams = [...new Set(ours.filter((result) => result.params === undefined).map((result) => result.runId))];
  if (withoutParams.length > 0) {
    warnings.push(`no parameter count for ${withoutParams.join(', ')} (run.json records none, as for replay runs): normalized columns are '-'; give --params N`);
  }
  return warnings;
}
