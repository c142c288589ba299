import path from 'node:path';
import type { Argv } from 'yargs';
import { commandHeader } from './command-headers.js';
import { writeFileAtomic } from '../core/atomic-file.js';
import { ConfigError } from '../core/errors.js';
import { renderReportCharts, writeCharts, type RenderedChart } from '../reports/charts.js';
import { formatLongCsv, longRecords } from '../reports/csv.js';
import { formatHtmlReport } from '../reports/html.js';
import { formatMarkdownReport } from '../reports/markdown.js';
import { paramsBases, type ParamsBasis } from '../reports/params-basis.js';
import { parseParameterCount } from '../reports/parse-parameter-count.js';
import { prepareReport, type ReportOptions } from '../reports/prepare-report.js';
import { comparisonJson } from '../reports/report-json.js';
import { readOutputExamples } from '../reports/sample-outputs.js';
import { formatComparisonTables } from '../reports/table.js';
import type { Command, CommandArguments, CommandIO } from './io.js';

const formats = ['table', 'md', 'html', 'csv', 'json'] as const;
type ReportFormat = (typeof formats)[number];

/** Options shared by `report` and `leaderboard`: which baselines, which parameter count, what our model is. */
export function withComparisonOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('baselines', { type: 'string', array: true, describe: 'Extra baseline rows from a CSV or JSON file (published.csv columns); replace built-ins reporting the same thing' })
    .option('params-basis', { choices: paramsBases, default: 'total' as ParamsBasis, describe: 'Parameter count for the size trend: total, language (LLM only) or active (per token)' })
    .option('params', { type: 'string', describe: 'Our model\'s total parameter count (37e9, 37B) when run.json has none, e.g. replay runs' })
    .option('trained-on', { type: 'string', array: true, describe: 'Task ids (or all) whose training split our model was trained on: compared with the papers\' * rows' })
    .option('label', { type: 'string', describe: 'Name of our model in reports (default: the model id in run.json)' });
}

export function comparisonSettings(argv: CommandArguments, runDirectories: readonly string[]): ReportOptions {
  const trainedOn = ((argv['trained-on'] as string[] | undefined) ?? []).flatMap((entry) => entry.split(',')).map((entry) => entry.trim()).filter(Boolean);
  return {
    runDirectories,
    baselineFiles: (argv.baselines as string[] | undefined) ?? [],
    basis: argv['params-basis'] as ParamsBasis,
    trainedOn,
    ...(argv.params !== undefined ? { paramsOverride: parseParameterCount(argv.params as string) } : {}),
    ...(typeof argv.label === 'string' && argv.label.trim() ? { modelLabel: argv.label.trim() } : {}),
  };
}

/** --format, else the extension of --out, else JSON under --json and the terminal table otherwise. */
function chosenFormat(argv: CommandArguments): ReportFormat {
  if (typeof argv.format === 'string') return argv.format as ReportFormat;
  const out = argv.out as string | undefined;
  const extension = out ? path.extname(out).slice(1).toLowerCase() : '';
  if (extension === 'markdown') return 'md';
  if ((formats as readonly string[]).includes(extension)) return extension as ReportFormat;
  return argv.json ? 'json' : 'table';
}

export function reportCommand(io: CommandIO): Command {
  return {
    ...commandHeader('report'),
    builder: (yargs: Argv) =>
      withComparisonOptions(yargs)
        .positional('run-dirs', { type: 'string', array: true, describe: 'Run directories (runs/<run-id>)' })
        .option('format', { choices: formats, describe: 'table (terminal), md, html (one self-contained file), csv (long format), json. Default: from --out\'s extension, else table' })
        .option('out', { type: 'string', describe: 'Write the report to this file instead of stdout' })
        .option('charts', { type: 'string', describe: 'Also write the PNG charts (1200×800) into this folder' })
        .option('outputs', { type: 'number', default: 20, describe: 'HTML: model outputs shown per task (wrong answers first)' })
        .example('$0 report runs/vqav2-emu2-chat-1a2b --params 37B --trained-on vqav2', 'terminal table beside CogVLM, LLaVA-1.5, Qwen-VL')
        .example('$0 report runs/* --format html --out report.html', 'one HTML file with the charts embedded'),
    handler: async (parsed: unknown) => {
      const argv = parsed as CommandArguments;
      const runDirectories = argv['run-dirs'] as string[];
      const format = chosenFormat(argv);
      const out = argv.out as string | undefined;
      if (argv.json && !out && format !== 'json') throw new ConfigError(`--json prints the JSON report on stdout; write --format ${format} to a file with --out`, true);
      const report = prepareReport(comparisonSettings(argv, runDirectories));
      const chartsDirectory = argv.charts as string | undefined;
      let charts: RenderedChart[] = [];
      let chartFiles: string[] = [];
      if (format === 'html' || chartsDirectory) charts = await renderReportCharts(report);
      if (chartsDirectory) chartFiles = writeCharts(charts, chartsDirectory);
      let text: string;
      if (format === 'json') text = `${JSON.stringify({ ...comparisonJson(report.comparison, report.warnings), charts: chartFiles })}\n`;
      else if (format === 'csv') text = formatLongCsv(longRecords(report.comparison));
      else if (format === 'md') {
        const base = argv.out ? path.dirname(path.resolve(argv.out as string)) : process.cwd();
        text = formatMarkdownReport(report, charts.map((chart, index) => ({ title: chart.title, path: path.relative(base, chartFiles[index]!) })).filter((chart) => chart.path));
      } else if (format === 'html') {
        const limit = argv.outputs as number;
        if (!Number.isInteger(limit) || limit < 0) throw new ConfigError(`--outputs takes a whole number, found ${limit}`, true);
        const runs = [...new Map(report.ours.map((result) => [result.runDirectory, result.runId])).entries()];
        const examples = limit === 0 ? [] : (await Promise.all(runs.map(([directory, runId]) => readOutputExamples(directory, runId, limit)))).flat();
        text = formatHtmlReport(report, charts, examples);
      } else {
        const warnings = report.warnings.map((warning) => `warning: ${warning}\n`).join('');
        text = `${warnings}${warnings ? '\n' : ''}${formatComparisonTables(report.comparison) || 'no results to compare'}\n`;
      }
      if (out) {
        writeFileAtomic(path.resolve(out), text);
        if (argv.json) io.stdout(`${JSON.stringify({ out, format, charts: chartFiles, warnings: report.warnings })}\n`);
        else io.stdout(`wrote ${out}${chartFiles.length > 0 ? ` and ${chartFiles.length} charts in ${chartsDirectory}` : ''}\n`);
      } else io.stdout(text);
      if (format !== 'table' && format !== 'json') for (const warning of report.warnings) io.stderr(`warning: ${warning}\n`);
    },
  };
}
