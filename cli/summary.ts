import Table from 'cli-table3';
import type { MetricsRecord, Summary } from '../artifact/schema.js';

function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : value.toFixed(2);
}

/** Video tasks show the interval clustered by video: questions about one video are not independent. */
function interval(summary: Summary): string {
  const clustered = summary.clustered?.ci95;
  if (clustered) return `${clustered[0].toFixed(2)}–${clustered[1].toFixed(2)} (by ${summary.clustered!.by})`;
  return summary.ci95 ? `${summary.ci95[0].toFixed(2)}–${summary.ci95[1].toFixed(2)}` : '-';
}

/** The table every run and score prints: ALL and VALID views side by side, with the 95% CI. */
export function formatSummaryTable(metrics: MetricsRecord): string {
  const withTrials = metrics.results.some((result) => result.trial > 0);
  const table = new Table({
    head: ['task', 'split', 'shots', ...(withTrials ? ['trial'] : []), 'metric', 'score', '95% CI', 'valid', 'n', 'errors', 'official'],
    style: { head: [], border: [] },
  });
  for (const result of metrics.results) {
    table.push([
      result.task,
      result.split,
      String(result.shots),
      ...(withTrials ? [String(result.trial + 1)] : []),
      result.metric,
      result.submission ? `submission: ${result.submission}` : percent(result.all.value),
      interval(result.all),
      percent(result.valid.value),
      String(result.all.n),
      String(result.all.nErrors),
      result.official ? result.official.overall.toFixed(2) : '-',
    ]);
  }
  // A corpus metric's secondary figure (ROC AUC tasks: accuracy of the predicted class).
  for (const result of metrics.results) {
    if (!result.accuracy) continue;
    const { all, valid } = result.accuracy;
    table.push([result.task, result.split, String(result.shots), ...(withTrials ? [String(result.trial + 1)] : []), 'accuracy', percent(all.value), interval(all), percent(valid.value), String(all.n), String(all.nErrors), '-']);
  }
  for (const result of metrics.results) {
    if (!result.judge) continue;
    const judge = result.judge;
    table.push([result.task, result.split, String(result.shots), ...(withTrials ? [String(result.trial + 1)] : []), `judge ${judge.model}`, percent(judge.all.value), interval(judge.all), percent(judge.valid.value), String(judge.judged), String(judge.failedCalls), judge.meanScore === null ? '-' : `score ${judge.meanScore.toFixed(2)}/5`]);
  }
  for (const result of metrics.results) {
    if (!result.grader) continue;
    const grader = result.grader;
    const spread = grader.total === null ? '-' : `${grader.total.toFixed(1)} ± ${(grader.runStd ?? 0).toFixed(1)}`;
    const failures = `${grader.gradings.failed} failed gradings`;
    table.push([result.task, result.split, String(result.shots), ...(withTrials ? [String(result.trial + 1)] : []), `grader ${grader.model}`, spread, `(std of ${grader.runs} runs)`, '', String(grader.gradings.graded), failures, grader.ungradedSamples > 0 ? `${grader.ungradedSamples} ungraded` : '-']);
  }
  for (const summary of metrics.trialSummaries ?? []) {
    const spread = summary.mean === null ? '-' : `${summary.mean.toFixed(2)} ± ${(summary.populationStd ?? 0).toFixed(2)}`;
    table.push([summary.task, summary.split, String(summary.shots), `mean of ${summary.seeds.length}`, '', spread, '(population std)', '', '', '', '']);
  }
  return table.toString();
}

/** Per answer type lines under the table, as the official evaluator prints them (first trial of each shot count). */
export function formatBreakdowns(metrics: MetricsRecord): string {
  const lines: string[] = [];
  const several = new Set(metrics.results.map((result) => result.task)).size < metrics.results.length;
  for (const result of metrics.results) {
    const answerTypes = result.breakdowns.answerType;
    if (!answerTypes || result.trial > 0) continue;
    const parts = Object.entries(answerTypes).map(([type, entry]) => `${type} ${entry.value.toFixed(2)} (n=${entry.n})`);
    lines.push(`${result.task}${several ? ` ${result.shots}-shot` : ''} by answer type: ${parts.join(', ')}`);
  }
  return lines.join('\n');
}
