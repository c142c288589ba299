import Table from 'cli-table3';
import { seriesLabel, type Trend, type TrendPoint } from '../artifact/history/trend.js';
import type { RenderedChart } from './charts.js';
import { nightLabels } from './history-chart.js';
import { escapeHtml } from './html-escape.js';
import { escapeMarkdownCell } from './markdown.js';

// The trend table of a history: one row per entry × task × shots, one column per night. A cell is the
// night's score; ▼ marks a flagged regression against that night's baseline, ▲ a significant gain.

function cellText(point: TrendPoint | null): string {
  if (!point) return '';
  const score = point.score === null ? '-' : point.score.toFixed(2);
  const status = point.comparison?.status;
  return `${score}${status === 'regressed' ? ' ▼' : status === 'improved' ? ' ▲' : ''}`;
}

function rows(trend: Trend): string[][] {
  return trend.series.map((series) => [seriesLabel(series), ...series.points.map(cellText)]);
}

function unfinishedLines(trend: Trend): string[] {
  return trend.unfinished.map((night) => `${night.id}: ${night.status}${night.error ? ` — ${night.error}` : ''} (no numbers; never a baseline)`);
}

const LEGEND = '▼ regression flagged against that night\'s baseline · ▲ significant improvement · scores in percent (ALL view)';

export function formatTrendText(trend: Trend): string {
  const table = new Table({ head: ['entry · task', ...nightLabels(trend)], style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  for (const row of rows(trend)) table.push(row);
  const lines = [`${trend.label} · suite ${trend.suite} · ${trend.nights.length} finished night(s)`, table.toString(), LEGEND];
  for (const line of unfinishedLines(trend)) lines.push(`not finished: ${line}`);
  return `${lines.join('\n')}\n`;
}

export function formatTrendMarkdown(trend: Trend, charts: ReadonlyArray<{ title: string; path: string }> = []): string {
  const head = ['entry · task', ...nightLabels(trend)];
  const line = (cells: string[]) => `| ${cells.map(escapeMarkdownCell).join(' | ')} |`;
  const parts = [line(head), `|${head.map(() => ' --- ').join('|')}|`, ...rows(trend).map(line), '', `_${LEGEND}_`, ''];
  for (const night of unfinishedLines(trend)) parts.push(`- not finished: ${escapeMarkdownCell(night)}`);
  for (const chart of charts) parts.push('', `![${escapeMarkdownCell(chart.title)}](${encodeURI(chart.path)})`);
  return `${parts.join('\n').trimEnd()}\n`;
}

export function chartFigure(chart: RenderedChart): string {
  return `<figure><img alt="${escapeHtml(chart.title)}" src="data:image/png;base64,${chart.png.toString('base64')}"><figcaption>${escapeHtml(chart.title)}</figcaption></figure>`;
}

export function formatTrendHtml(trend: Trend, charts: readonly RenderedChart[] = []): string {
  const head = ['entry · task', ...nightLabels(trend)];
  const body = trend.series.map((series) => {
    const cells = series.points.map((point) => `<td class="number${point?.comparison?.status === 'regressed' ? ' regressed' : ''}">${escapeHtml(cellText(point))}</td>`);
    return `<tr><td>${escapeHtml(seriesLabel(series))}</td>${cells.join('')}</tr>`;
  });
  const unfinished = unfinishedLines(trend);
  return `<table><thead><tr>${head.map((name) => `<th>${escapeHtml(name)}</th>`).join('')}</tr></thead><tbody>${body.join('\n')}</tbody></table>
<p class="notes">${escapeHtml(LEGEND)}</p>
${unfinished.length > 0 ? `<ul class="notes">${unfinished.map((night) => `<li>not finished: ${escapeHtml(night)}</li>`).join('')}</ul>` : ''}
${charts.map(chartFigure).join('\n')}`;
}

export function trendJson(trend: Trend): Record<string, unknown> {
  return { label: trend.label, suite: trend.suite, nights: trend.nights, series: trend.series, unfinished: trend.unfinished };
}

/** A self-contained HTML page around report sections (styles inline, charts embedded). */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1250px; color: #222; padding: 0 1rem; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.55rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.regressed, td.regressed { background: #fde2e2; font-weight: 600; }
.verdict { font-size: 1.2em; padding: 0.6rem 0.9rem; border: 1px solid #ccc; }
.verdict.regressed { background: #fde2e2; border-color: #c00000; }
.verdict.passed { background: #e6f4ea; border-color: #2e7d32; }
.notes { color: #444; }
img { max-width: 100%; border: 1px solid #ddd; }
pre { white-space: pre-wrap; margin: 0; }
</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}
