import { errorMessage } from '../core/errors.js';
import { loadBaselines } from '../reports/baselines/registry.js';
import { resultsOfRun } from '../reports/collect.js';
import { buildComparison, type Comparison } from '../reports/compare-rows.js';
import { reportWarnings } from '../reports/prepare-report.js';
import { comparisonJson } from '../reports/report-json.js';
import { formatComparisonTables } from '../reports/table.js';
import type { EvaluationResult } from '../evals/evaluate.js';
import type { CommandIO, GlobalFlags } from './io.js';
import { formatBreakdowns, formatSummaryTable } from './summary.js';

/** What was just run beside the published numbers; a failure here never fails the run itself. */
function compareWithPublished(io: CommandIO, result: EvaluationResult): { comparison: Comparison; warnings: string[] } | undefined {
  try {
    const ours = resultsOfRun(result.record, result.metrics, result.runDirectory);
    return { comparison: buildComparison(ours, loadBaselines()), warnings: reportWarnings(ours) };
  } catch (error) {
    io.stderr(`warning: could not compare with published numbers: ${errorMessage(error)}\n`);
    return undefined;
  }
}

/** Human output on stdout (table + comparison + run directory), or exactly one JSON object with --json. */
export function reportRun(io: CommandIO, flags: GlobalFlags, result: EvaluationResult): void {
  const compared = compareWithPublished(io, result);
  if (flags.json) {
    io.stdout(
      `${JSON.stringify({
        runDirectory: result.runDirectory,
        status: result.record.status,
        resumed: result.resumed,
        model: result.record.model,
        metrics: result.metrics.results,
        ...(compared ? { comparison: comparisonJson(compared.comparison, compared.warnings) } : {}),
      })}\n`,
    );
    return;
  }
  io.stdout(`${formatSummaryTable(result.metrics)}\n`);
  const breakdowns = formatBreakdowns(result.metrics);
  if (breakdowns && !flags.quiet) io.stdout(`${breakdowns}\n`);
  if (compared && compared.comparison.groups.length > 0) {
    const warnings = compared.warnings.map((warning) => `warning: ${warning}\n`).join('');
    io.stdout(`\nCompared with published numbers:\n${warnings}\n${formatComparisonTables(compared.comparison, { brief: true })}\n\n`);
  }
  io.stdout(`run directory: ${result.runDirectory}${result.record.status === 'interrupted' ? ' (interrupted: rerun the same command to resume)' : ''}\n`);
}

/**
 * Samples scored and samples that ended in an error, over every result of the run. A run whose samples
 * all failed has no number to report, even when the errors differ (so fail-fast did not stop it).
 */
export function failedSamples(result: EvaluationResult): { samples: number; errors: number } {
  let samples = 0;
  let errors = 0;
  for (const { all } of result.metrics.results) {
    samples += all.n;
    errors += all.nErrors;
  }
  return { samples, errors };
}

