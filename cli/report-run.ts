import type { EvaluationResult } from '../runners/engine/evaluate.js';
import type { CommandIO, GlobalFlags } from './io.js';
import { formatBreakdowns, formatSummaryTable } from './summary.js';

/** Human output on stdout (table + run directory), or exactly one JSON object with --json. */
export function reportRun(io: CommandIO, flags: GlobalFlags, result: EvaluationResult): void {
  if (flags.json) {
    io.stdout(`${JSON.stringify({ runDirectory: result.runDirectory, status: result.record.status, resumed: result.resumed, model: result.record.model, metrics: result.metrics.results })}\n`);
    return;
  }
  io.stdout(`${formatSummaryTable(result.metrics)}\n`);
  const breakdowns = formatBreakdowns(result.metrics);
  if (breakdowns && !flags.quiet) io.stdout(`${breakdowns}\n`);
  io.stdout(`run directory: ${result.runDirectory}${result.record.status === 'interrupted' ? ' (interrupted: rerun the same command to resume)' : ''}\n`);
}
