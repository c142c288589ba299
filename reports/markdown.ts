import type { ComparisonGroup } from './compare-rows.js';
import {
  LEGEND,
  formatInterval,
  formatParameterEquivalent,
  formatParams,
  formatPareto,
  formatPointsPerBillion,
  formatScore,
  formatSigned,
} from './format-values.js';
import type { PreparedReport } from './prepare-report.js';

/** A table cell: pipes and line breaks would end the cell, and inline HTML would be rendered. */
export function escapeMarkdownCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, '<br>');
}

function markdownTable(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(escapeMarkdownCell).join(' | ')} |`;
  return [line(head), `|${head.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}

function groupTable(group: ComparisonGroup): string {
  return markdownTable(
    ['model', 'params', 'score', '95% CI', 'n', 'size-adj.', 'param-equiv.', 'pts/B', 'Pareto', 'source', 'notes'],
    group.rows.map((row) => [
      row.kind === 'ours' ? `**${row.model}**` : row.model,
      formatParams(row),
      formatScore(row),
      formatInterval(row),
      row.n === undefined ? '-' : String(row.n),
      formatSigned(row.sizeAdjusted),
      formatParameterEquivalent(row.parameterEquivalent),
      formatPointsPerBillion(row.pointsPerBillion),
      formatPareto(row),
      row.source,
      row.marks.join('; '),
    ]),
  );
}

/** The report as GitHub-flavoured Markdown; `chartFiles` maps chart titles to image paths when charts were written. */
export function formatMarkdownReport(report: PreparedReport, chartFiles: ReadonlyArray<{ title: string; path: string }> = []): string {
  const { comparison } = report;
  const parts: string[] = ['# emu-eval comparison report', ''];
  for (const warning of report.warnings) parts.push(`> **Warning:** ${escapeMarkdownCell(warning)}`, '');
  parts.push(`Parameter basis: **${comparison.basis}**. ${LEGEND.join('; ')}.`, '');
  for (const group of comparison.groups) {
    parts.push(`## ${escapeMarkdownCell(group.title)}`, '', groupTable(group), '');
    for (const note of group.notes) parts.push(`- ${escapeMarkdownCell(note)}`);
    for (const row of group.rows) if (row.kind === 'ours' && row.params === undefined) parts.push(`- ${escapeMarkdownCell(`${row.model}: ${row.paramsNote}`)}`);
    parts.push('');
  }
  if (comparison.excluded.length > 0) {
    parts.push('## Not compared (different protocol)', '');
    for (const entry of comparison.excluded) parts.push(`- ${escapeMarkdownCell(`${entry.title}: ${entry.models.join(', ')} — ${entry.reason}`)}`);
    parts.push('');
  }
  if (comparison.unmatched.length > 0) {
    parts.push('## Our results without published counterparts', '');
    for (const { result, reason } of comparison.unmatched) parts.push(`- ${escapeMarkdownCell(`${result.model} ${result.task} ${result.split} ${result.shots}-shot: ${reason}`)}`);
    parts.push('');
  }
  if (chartFiles.length > 0) {
    parts.push('## Charts', '');
    for (const chart of chartFiles) parts.push(`![${escapeMarkdownCell(chart.title)}](${encodeURI(chart.path)})`, '');
  }
  return `${parts.join('\n').trimEnd()}\n`;
}
