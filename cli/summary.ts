import Table from 'cli-table3';
import type { MetricsRecord, Summary } from '../evals/results/schema.js';

function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : value.toFixed(2);
}

function interval(summary: Summary): string {
  return summary.ci95 ? `${summary.ci95[0].toFixed(2)}–${summary.ci95[1].toFixed(2)}` : '-';
}

/** The table every run and score prints: ALL and VALID views side by side, with the 95% CI. */
export function formatSummaryTable(metrics: MetricsRecord): string {
  const table = new Table({
    head: ['task', 'split', 'shots', 'metric', 'score', '95% CI', 'valid', 'n', 'errors', 'official'],
    style: { head: [], border: [] },
  });
  for (const result of metrics.results) {
    table.push([
      result.task,
      result.split,
      String(result.shots),
      result.metric,
      result.submission ? `submission: ${result.submission}` : percent(result.all.value),
      interval(result.all),
      percent(result.valid.value),
      String(result.all.n),
      String(result.all.nErrors),
      result.official ? result.official.overall.toFixed(2) : '-',
    ]);
  }
  return table.toString();
}

/** Per answer type lines under the table, as the official evaluator prints them. */
export function formatBreakdowns(metrics: MetricsRecord): string {
  const lines: string[] = [];
  for (const result of metrics.results) {
    const answerTypes = result.breakdowns.answerType;
    if (!answerTypes) continue;
    const parts = Object.entries(answerTypes).map(([type, entry]) => `${type} ${entry.value.toFixed(2)} (n=${entry.n})`);
    lines.push(`${result.task} by answer type: ${parts.join(', ')}`);
  }
  return lines.join('\n');
}
