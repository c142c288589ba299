import path from 'node:path';
import { writeFileAtomic } from '../core/atomic-file.js';
import type { StoredNight } from '../artifact/history/history-layout.js';
import type { RunComparison } from '../scoring/compare/compare-runs.js';
import { buildTrends } from '../artifact/history/trend.js';
import type { NightRecord } from '../artifact/history/night-record.js';
import { writeCharts, type RenderedChart } from './charts.js';
import { formatCompareHtml, formatCompareMarkdown } from './compare-report.js';
import { renderHistoryCharts } from './history-chart.js';
import { formatTrendHtml, formatTrendMarkdown, htmlPage } from './history-report.js';
import { escapeHtml } from './html-escape.js';
import { escapeMarkdownCell } from './markdown.js';

// A night's report.md and report.html (and charts/*.png) in its folder: the verdict first, then how
// tonight compares with the baseline night (with the samples that flipped), tonight's numbers, and
// the trend of the whole series.

function verdict(night: NightRecord): { text: string; regressed: boolean } {
  if (!night.baseline) return { text: `No comparison: ${night.baselineNote ?? 'no baseline night'}.`, regressed: false };
  if (night.baselineNote) return { text: `No comparison: ${night.baselineNote}.`, regressed: false };
  if (night.regressions > 0) return { text: `REGRESSION: ${night.regressions} task × shots regressed against ${night.baseline.id}.`, regressed: true };
  return { text: `No regression against ${night.baseline.id} (${night.comparisons.length} task × shots compared).`, regressed: false };
}

function resultRows(night: NightRecord): string[][] {
  return night.results.map((result) => [
    result.entry,
    result.task,
    String(result.shots),
    result.protocol,
    result.score === null ? '-' : result.score.toFixed(2),
    result.ci95 ? `${result.ci95[0].toFixed(2)}–${result.ci95[1].toFixed(2)}` : '-',
    String(result.n),
  ]);
}

const RESULT_HEAD = ['entry', 'task', 'shots', 'protocol', 'score', '95% CI', 'n'];

/** What one night's report shows: the night, the night it was compared with, and the series so far. */
export interface NightlyReportContext {
  night: StoredNight;
  baseline?: StoredNight;
  comparison?: RunComparison;
  /** Every finished night of the series up to and including this one, in order. */
  series: StoredNight[];
}

export async function writeNightlyReport(context: NightlyReportContext): Promise<string[]> {
  const { night } = context;
  const record = night.record;
  const [trend] = buildTrends(context.series);
  const settings = record.settings;
  const charts: RenderedChart[] = trend ? await renderHistoryCharts(trend, settings) : [];
  const chartFiles = writeCharts(charts, path.join(night.folder, 'charts'));
  const title = `emu-eval nightly — ${record.label} — ${record.date}`;
  const { text, regressed } = verdict(record);
  const header = [`suite ${record.suite.name} (${record.suite.hash})`, `model ${record.model}`, `night ${record.id}`, record.baseline ? `baseline ${record.baseline.id}` : 'no baseline'];

  const markdown = [`# ${escapeMarkdownCell(title)}`, '', `**${escapeMarkdownCell(text)}**`, '', header.map((item) => `- ${escapeMarkdownCell(item)}`).join('\n'), ''];
  if (context.comparison) markdown.push('## Compared with the baseline night', '', formatCompareMarkdown(context.comparison, { heading: '##' }));
  const line = (cells: string[]) => `| ${cells.map(escapeMarkdownCell).join(' | ')} |`;
  markdown.push('## Tonight', '', line(RESULT_HEAD), `|${RESULT_HEAD.map(() => ' --- ').join('|')}|`, ...resultRows(record).map(line), '');
  if (trend) markdown.push('## Trend', '', formatTrendMarkdown(trend, charts.map((chart, index) => ({ title: chart.title, path: path.relative(night.folder, chartFiles[index]!) }))));
  const markdownFile = path.join(night.folder, 'report.md');
  writeFileAtomic(markdownFile, `${markdown.join('\n').trimEnd()}\n`);

  const results = resultRows(record).map((cells) => `<tr>${cells.map((cell, index) => `<td${index >= 4 ? ' class="number"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`);
  const html = [
    `<p class="verdict ${regressed ? 'regressed' : 'passed'}">${escapeHtml(text)}</p>`,
    `<ul class="notes">${header.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`,
    context.comparison ? `<h2>Compared with the baseline night</h2>\n${formatCompareHtml(context.comparison)}` : '',
    `<h2>Tonight</h2><table><thead><tr>${RESULT_HEAD.map((name) => `<th>${escapeHtml(name)}</th>`).join('')}</tr></thead><tbody>${results.join('\n')}</tbody></table>`,
    trend ? `<h2>Trend</h2>\n${formatTrendHtml(trend, charts)}` : '',
  ].join('\n');
  const htmlFile = path.join(night.folder, 'report.html');
  writeFileAtomic(htmlFile, htmlPage(title, html));
  return [markdownFile, htmlFile, ...chartFiles];
}
