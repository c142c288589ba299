import type { RenderedChart } from './charts.js';
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
import { escapeHtml } from './html-escape.js';
import type { PreparedReport } from './prepare-report.js';
import type { OutputExamples } from './sample-outputs.js';

const style = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1250px; color: #222; padding: 0 1rem; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.55rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.ours { background: #fff1e6; font-weight: 600; }
.warning { background: #fff4c2; border: 1px solid #e0b400; padding: 0.6rem 0.9rem; margin: 0.6rem 0; }
.mark { display: block; font-weight: normal; color: #a33; font-size: 0.9em; }
.notes { color: #444; }
img { max-width: 100%; border: 1px solid #ddd; }
pre { white-space: pre-wrap; margin: 0; }
`;

function cell(text: string, numeric = false): string {
  return `<td${numeric ? ' class="number"' : ''}>${escapeHtml(text)}</td>`;
}

function groupTable(group: ComparisonGroup): string {
  const head = ['model', 'params', 'score', '95% CI', 'n', 'size-adj.', 'param-equiv.', 'pts/B', 'Pareto', 'source'];
  const rows = group.rows.map((row) => {
    const marks = row.marks.map((mark) => `<span class="mark">${escapeHtml(mark)}</span>`).join('');
    return [
      `<tr${row.kind === 'ours' ? ' class="ours"' : ''}>`,
      `<td>${escapeHtml(row.model)}${marks}</td>`,
      cell(formatParams(row), true),
      cell(formatScore(row), true),
      cell(formatInterval(row), true),
      cell(row.n === undefined ? '-' : String(row.n), true),
      cell(formatSigned(row.sizeAdjusted), true),
      cell(formatParameterEquivalent(row.parameterEquivalent), true),
      cell(formatPointsPerBillion(row.pointsPerBillion), true),
      cell(formatPareto(row)),
      cell(row.source),
      '</tr>',
    ].join('');
  });
  return `<table><thead><tr>${head.map((name) => `<th>${escapeHtml(name)}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function image(chart: RenderedChart): string {
  return `<figure><img alt="${escapeHtml(chart.title)}" src="data:image/png;base64,${chart.png.toString('base64')}"><figcaption>${escapeHtml(chart.title)}</figcaption></figure>`;
}

function list(items: readonly string[]): string {
  return items.length === 0 ? '' : `<ul class="notes">${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
}

function outputsSection(examples: readonly OutputExamples[]): string {
  if (examples.length === 0) return '';
  const blocks = examples.map((example) => {
    const rows = example.samples.map(
      (sample) =>
        `<tr>${cell(sample.sampleId)}<td><pre>${escapeHtml(sample.output)}</pre></td>${cell(sample.extracted)}${cell(sample.score === null ? 'error' : sample.score.toFixed(2), true)}${cell(sample.error ?? '')}</tr>`,
    );
    return `<h3>${escapeHtml(`${example.runId} · ${example.task} · ${example.shots}-shot`)} <small>(${example.samples.length} of ${example.total}, wrong answers first)</small></h3>
<table><thead><tr><th>sample</th><th>model output</th><th>extracted</th><th>score</th><th>error</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
  });
  return `<h2>Model outputs</h2>\n${blocks.join('\n')}`;
}

/** One self-contained HTML file: styles inline, charts embedded as data URIs, every outside string escaped. */
export function formatHtmlReport(report: PreparedReport, charts: readonly RenderedChart[], examples: readonly OutputExamples[] = [], generatedAt = new Date().toISOString()): string {
  const { comparison } = report;
  const chartByTitle = new Map(charts.map((chart) => [chart.title, chart]));
  const used = new Set<RenderedChart>();
  const sections = comparison.groups.map((group) => {
    const chart = chartByTitle.get(`${group.title}: score vs parameters`);
    if (chart) used.add(chart);
    const ourNotes = group.rows.filter((row) => row.kind === 'ours' && row.params === undefined).map((row) => `${row.model}: ${row.paramsNote}`);
    return `<section><h3>${escapeHtml(group.title)}</h3>${groupTable(group)}${list([...group.notes, ...ourNotes])}${chart ? image(chart) : ''}</section>`;
  });
  const otherCharts = charts.filter((chart) => !used.has(chart));
  const runs = [...new Map(report.ours.map((result) => [result.runId, result])).values()];
  const runRows = runs.map(
    (result) =>
      `<tr>${cell(result.runId)}${cell(result.model)}${cell(report.ours.filter((other) => other.runId === result.runId).map((other) => `${other.task} ${other.split} ${other.shots}-shot`).join(', '))}${cell(result.runStatus)}${cell(result.params ? `${result.params.total.toPrecision(3)}B (${result.params.source})` : 'not recorded')}${cell(result.bundledSample ? 'synthetic sample — not comparable' : 'as given')}</tr>`,
  );
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>emu-eval comparison report</title><style>${style}</style></head>
<body>
<h1>emu-eval comparison report</h1>
<p>Generated ${escapeHtml(generatedAt)} · parameter basis: <strong>${escapeHtml(comparison.basis)}</strong></p>
${report.warnings.map((warning) => `<div class="warning"><strong>Warning:</strong> ${escapeHtml(warning)}</div>`).join('\n')}
${runs.length > 0 ? `<h2>Runs</h2><table><thead><tr><th>run</th><th>model</th><th>results</th><th>status</th><th>parameters</th><th>data</th></tr></thead><tbody>${runRows.join('\n')}</tbody></table>` : ''}
<h2>Comparison with published numbers</h2>
${list(LEGEND)}
${sections.join('\n')}
${comparison.excluded.length > 0 ? `<h2>Not compared (different protocol)</h2>${list(comparison.excluded.map((entry) => `${entry.title}: ${entry.models.join(', ')} — ${entry.reason}`))}` : ''}
${comparison.unmatched.length > 0 ? `<h2>Our results without published counterparts</h2>${list(comparison.unmatched.map(({ result, reason }) => `${result.model} ${result.task} ${result.split} ${result.shots}-shot: ${reason}`))}` : ''}
${otherCharts.length > 0 ? `<h2>More charts</h2>${otherCharts.map(image).join('\n')}` : ''}
${outputsSection(examples)}
</body>
</html>
`;
}
