import Table from 'cli-table3';
import type { Comparison, ComparisonGroup } from './compare-rows.js';
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

/** Sources are long ("Emu2 paper (arXiv 2312.13286v2) Table 2"): the table shows a number, the lines below say which. */
function sourceLetters(groups: readonly ComparisonGroup[]): Map<string, string> {
  const letters = new Map<string, string>();
  for (const group of groups) {
    for (const row of group.rows) {
      if (row.kind === 'baseline' && !letters.has(row.source)) letters.set(row.source, String(letters.size + 1));
    }
  }
  return letters;
}

/** Wide enough for the longest model name, with long marks wrapped rather than stretching the table. */
function modelWidth(group: ComparisonGroup): number {
  const longest = Math.max(...group.rows.flatMap((row) => [row.model.length, ...row.marks.map((mark) => Math.min(mark.length + 2, 36))]));
  return Math.max(longest, 5) + 2;
}

const compact = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

export function formatGroupTable(group: ComparisonGroup, letters: Map<string, string>): string {
  // Published numbers come without CI or n: those columns appear only when one of our runs is in the group.
  const withRuns = group.rows.some((row) => row.kind === 'ours');
  const table = new Table({
    head: ['model', 'params', 'score', ...(withRuns ? ['95% CI', 'n'] : []), 'size-adj.', 'param-equiv.', 'pts/B', 'Pareto', 'source'],
    style: { head: [], border: [] },
    chars: compact,
    colWidths: [modelWidth(group), ...Array<null>(withRuns ? 7 : 5).fill(null), 26, null],
    wordWrap: true,
  });
  for (const row of group.rows) {
    const model = [row.model, ...row.marks.map((mark) => `! ${mark}`)].join('\n');
    table.push([
      model,
      formatParams(row),
      formatScore(row),
      ...(withRuns ? [formatInterval(row), row.n === undefined ? '-' : String(row.n)] : []),
      formatSigned(row.sizeAdjusted),
      formatParameterEquivalent(row.parameterEquivalent),
      formatPointsPerBillion(row.pointsPerBillion),
      formatPareto(row),
      row.kind === 'baseline' ? `[${letters.get(row.source)}]` : row.source,
    ]);
  }
  return table.toString();
}

/**
 * The terminal report: one table per protocol group, with the trend, exclusions and sources spelled
 * out. `brief` (the end of `run`) counts the excluded groups instead of listing them.
 */
export function formatComparisonTables(comparison: Comparison, options: { brief?: boolean } = {}): string {
  const letters = sourceLetters(comparison.groups);
  const blocks: string[] = [];
  for (const group of comparison.groups) {
    const ourNotes = group.rows.filter((row) => row.kind === 'ours' && row.params === undefined).map((row) => `${row.model}: ${row.paramsNote}`);
    blocks.push([`${group.title} (params: ${group.basis})`, formatGroupTable(group, letters), ...group.notes.map((note) => `  ${note}`), ...ourNotes.map((note) => `  ${note}`)].join('\n'));
  }
  if (comparison.excluded.length > 0 && options.brief) {
    const models = new Set(comparison.excluded.flatMap((entry) => entry.models));
    blocks.push(`Not compared: ${comparison.excluded.length} published groups on these benchmarks under other protocols (0*, RICES vs random, trained on the train split ...; ${models.size} models). emu-eval report <run-dir> lists them.`);
  } else if (comparison.excluded.length > 0) {
    blocks.push(['Not compared (different protocol):', ...comparison.excluded.map((entry) => `  ${entry.title}: ${entry.models.join(', ')} — ${entry.reason}`)].join('\n'));
  }
  if (comparison.unmatched.length > 0) {
    blocks.push(['Our results without published counterparts:', ...comparison.unmatched.map(({ result, reason }) => `  ${result.model} ${result.task} ${result.split} ${result.shots}-shot: ${reason}`)].join('\n'));
  }
  if (letters.size > 0) blocks.push(['Sources:', ...[...letters].map(([source, letter]) => `  [${letter}] ${source}`), ...LEGEND.map((line) => `  ${line}`)].join('\n'));
  return blocks.join('\n\n');
}
