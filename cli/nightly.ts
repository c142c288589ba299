import type { Argv } from 'yargs';
import { commandHeader } from './command-headers.js';
import { ConfigError } from '../core/errors.js';
import { runNightly } from '../evals/nightly/run-nightly.js';
import { loadSuite, selectEntries } from '../evals/suites/load-suite.js';
import { compareJson, formatCompareText } from '../reports/compare-report.js';
import { writeNightlyReport } from '../reports/nightly-report.js';
import { regressionSettings, withRegressionOptions } from './compare.js';
import { type Command, type CommandArguments, type CommandIO } from './io.js';
import { EXIT } from './exit-codes.js';
import { startRunFeedback } from './run-feedback.js';
import { parseEntryNames, runnerOptionsForEntry, sharedEvaluateOptions, withSuiteModelOptions } from './run-suite.js';
import { checkCountFlags } from './shared-options.js';

export function nightlyCommand(io: CommandIO, setExitCode: (code: number) => void): Command {
  return {
    ...commandHeader('nightly'),
    builder: (yargs: Argv) =>
      withRegressionOptions(withSuiteModelOptions(yargs))
        .option('suite', { type: 'string', demandOption: true, describe: 'Built-in suite (nightly, emu2-paper) or a suite YAML file' })
        .option('history', { type: 'string', demandOption: true, describe: 'History folder: one <date>-<id>/ folder per night, leaderboard.csv, a lock while a night runs' })
        .option('label', { type: 'string', describe: 'Name of the model\'s history series (default: the --model spec); keep it stable when the checkpoint path changes nightly' })
        .option('date', { type: 'string', describe: 'File the night under this date, YYYY-MM-DD (default: today); for backfills' })
        .option('baseline', {
          choices: ['last-finished', 'last-passing'] as const,
          default: 'last-finished' as const,
          describe: 'Baseline night: the last that finished (a regression is flagged once), or the last finished without a regression (flagged until fixed)',
        })
        .example('$0 nightly --suite nightly --model onnx:/ckpt/latest --label emu2-dev --history /srv/emu-eval/history', 'from cron: exit 3 when tonight regressed')
        .epilog('Exit codes: 0 no regression (or first night), 3 regression, 1 the night failed (it never becomes a baseline), 130 interrupted.'),
    handler: async (parsed: unknown) => {
      const argv = parsed as CommandArguments;
      checkCountFlags(argv);
      const settings = regressionSettings(argv);
      const date = argv.date as string | undefined;
      if (date !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)))) throw new ConfigError(`--date takes YYYY-MM-DD, found "${date}"`, true);
      const suite = loadSuite(argv.suite as string);
      const entries = selectEntries(suite, parseEntryNames(argv.entries));
      const feedback = startRunFeedback(io, argv);
      const notify = feedback.notify;
      try {
        const shared = sharedEvaluateOptions(argv, {
          signal: feedback.signal,
          countTotals: feedback.countTotals,
          onEvent: feedback.onEvent,
        });
        const label = typeof argv.label === 'string' && argv.label.trim() ? argv.label.trim() : shared.model;
        const result = await runNightly({
          historyFolder: argv.history as string,
          suite,
          entries,
          label,
          ...(date ? { date } : {}),
          baselinePolicy: argv.baseline as 'last-finished' | 'last-passing',
          compare: settings,
          shared,
          runnerOptionsFor: runnerOptionsForEntry(argv, entries),
          onEntryStart: (entry, index) => notify('info', `nightly ${suite.name}: entry ${index + 1}/${entries.length} ${entry.name}`),
          notify,
          writeReport: writeNightlyReport,
        });
        feedback.finish();
        const night = result.night.record;
        if (argv.json) {
          io.stdout(
            `${JSON.stringify({
              night: night.id,
              folder: result.night.folder,
              status: night.status,
              label: night.label,
              suite: night.suite,
              baseline: night.baseline ?? null,
              baselineNote: night.baselineNote ?? null,
              regressed: night.regressions > 0,
              regressions: night.regressions,
              results: night.results,
              comparison: result.comparison ? compareJson(result.comparison) : null,
              reports: result.reportFiles,
              csv: result.csvFile ?? null,
            })}\n`,
          );
        } else {
          if (result.comparison) io.stdout(`${formatCompareText(result.comparison)}\n`);
          else if (night.status === 'finished') io.stdout(`no comparison: ${night.baselineNote ?? 'no baseline night'}\n`);
          io.stdout(`night ${night.id}: ${night.status}${night.error ? ` (${night.error})` : ''}\nfolder: ${result.night.folder}\n`);
          if (result.reportFiles.length > 0) io.stdout(`report: ${result.reportFiles[0]} and ${result.reportFiles[1]}; ${result.reportFiles.length - 2} chart(s)\n`);
        }
        if (night.status === 'interrupted') setExitCode(130);
        else if (night.status !== 'finished') setExitCode(EXIT.error);
        else if (night.regressions > 0) setExitCode(EXIT.regression);
      } finally {
        feedback.dispose();
      }
    },
  };
}
