import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Argv } from 'yargs';
import { commandHeader } from './command-headers.js';
import { writeFileAtomic } from '../core/atomic-file.js';
import { ConfigError } from '../core/errors.js';
import { fileNameSlug } from '../core/slug.js';
import { listNights } from '../artifact/history/history-layout.js';
import { buildTrends, type Trend } from '../artifact/history/trend.js';
import { writeCharts, type RenderedChart } from '../reports/charts.js';
import { renderHistoryCharts } from '../reports/history-chart.js';
import { formatTrendHtml, formatTrendMarkdown, formatTrendText, htmlPage, trendJson } from '../reports/history-report.js';
import { escapeHtml } from '../reports/html-escape.js';
import { notifier, type Command, type CommandArguments, type CommandIO } from './io.js';

const formats = ['table', 'md', 'html', 'json'] as const;
type HistoryFormat = (typeof formats)[number];

function chosenFormat(argv: CommandArguments): HistoryFormat {
  if (typeof argv.format === 'string') return argv.format as HistoryFormat;
  const extension = typeof argv.out === 'string' ? path.extname(argv.out).slice(1).toLowerCase() : '';
  if (extension === 'markdown') return 'md';
  if ((formats as readonly string[]).includes(extension)) return extension as HistoryFormat;
  return argv.json ? 'json' : 'table';
}

/** The threshold and alpha the series was judged with most recently (for the chart's legend). */
function trendSettings(trend: Trend, nights: ReturnType<typeof listNights>['nights']): { threshold: number; alpha: number } {
  const last = nights.filter((night) => night.record.label === trend.label && night.record.suite.name === trend.suite && night.record.status === 'finished').at(-1);
  return last?.record.settings ?? { threshold: 1, alpha: 0.05 };
}

/** A trend's part of its chart file names; a label of only punctuation still names a file. */
function trendSlug(text: string): string {
  return fileNameSlug(text) || 'series';
}

export function historyCommand(io: CommandIO): Command {
  return {
    ...commandHeader('history'),
    builder: (yargs: Argv) =>
      yargs
        .positional('dir', { type: 'string', describe: 'History folder written by emu-eval nightly --history' })
        .option('label', { type: 'string', describe: 'Only this model series' })
        .option('suite', { type: 'string', describe: 'Only this suite' })
        .option('last', { type: 'number', describe: 'Only the latest N finished nights' })
        .option('charts', { type: 'string', describe: 'Write the trend charts (PNG, one per task and series) into this folder' })
        .option('format', { choices: formats, describe: 'table (terminal), md, html (self-contained, charts embedded), json. Default: from --out\'s extension, else table' })
        .option('out', { type: 'string', describe: 'Write the trend report to this file instead of stdout' })
        .example('$0 history /srv/emu-eval/history --label emu2-dev --charts trend/', 'trend table and PNG charts')
        .example('$0 history /srv/emu-eval/history --out trend.html', 'one HTML page with the charts embedded'),
    handler: async (parsed: unknown) => {
      const argv = parsed as CommandArguments;
      const folder = argv.dir as string;
      if (!existsSync(folder)) throw new ConfigError(`${folder}: no such history folder`);
      const last = argv.last as number | undefined;
      if (last !== undefined && (!Number.isInteger(last) || last < 1)) throw new ConfigError(`--last takes a positive whole number, found ${last}`, true);
      const format = chosenFormat(argv);
      const out = argv.out as string | undefined;
      if (argv.json && !out && format !== 'json') throw new ConfigError(`--json prints the trend as JSON on stdout; write --format ${format} to a file with --out`, true);
      const notify = notifier(io, argv);
      const { nights, problems } = listNights(folder);
      for (const problem of problems) notify('warning', problem);
      const trends = buildTrends(nights, {
        ...(typeof argv.label === 'string' ? { label: argv.label } : {}),
        ...(typeof argv.suite === 'string' ? { suite: argv.suite } : {}),
        ...(last !== undefined ? { last } : {}),
      });
      if (trends.length === 0) notify('warning', `${folder}: no nights${argv.label || argv.suite ? ' of that series' : ''} yet`);
      const chartsFolder = argv.charts as string | undefined;
      const charts: RenderedChart[][] = [];
      const chartFiles: string[] = [];
      if (chartsFolder || format === 'html') {
        for (const trend of trends) {
          const rendered = await renderHistoryCharts(trend, trendSettings(trend, nights));
          // Several series in one folder: prefix the files so their charts do not overwrite each other.
          const named = trends.length > 1 ? rendered.map((chart) => ({ ...chart, fileName: `${trendSlug(trend.label)}-${trendSlug(trend.suite)}-${chart.fileName}` })) : rendered;
          charts.push(named);
          if (chartsFolder) chartFiles.push(...writeCharts(named, chartsFolder));
        }
      }
      let text: string;
      if (format === 'json') text = `${JSON.stringify({ folder: path.resolve(folder), trends: trends.map(trendJson), charts: chartFiles, problems })}\n`;
      else if (format === 'md') {
        const base = out ? path.dirname(path.resolve(out)) : process.cwd();
        text = trends
          .map((trend, index) => {
            const files = chartsFolder && charts[index] ? charts[index].map((chart) => ({ title: chart.title, path: path.relative(base, path.join(chartsFolder, chart.fileName)) })) : [];
            return `## ${trend.label} · suite ${trend.suite}\n\n${formatTrendMarkdown(trend, files)}`;
          })
          .join('\n');
        text = `# emu-eval history\n\n${text}`;
      } else if (format === 'html') {
        text = htmlPage('emu-eval history', trends.map((trend, index) => `<h2>${escapeHtml(`${trend.label} · suite ${trend.suite}`)}</h2>\n${formatTrendHtml(trend, charts[index])}`).join('\n'));
      } else text = trends.map(formatTrendText).join('\n');
      if (out) {
        writeFileAtomic(path.resolve(out), text);
        if (argv.json) io.stdout(`${JSON.stringify({ out, format, charts: chartFiles })}\n`);
        else io.stdout(`wrote ${out}${chartFiles.length > 0 ? ` and ${chartFiles.length} chart(s) in ${chartsFolder}` : ''}\n`);
      } else {
        io.stdout(text);
        if (chartFiles.length > 0 && format === 'table') io.stdout(`charts: ${chartFiles.join(', ')}\n`);
      }
    },
  };
}
