import path from 'node:path';
import type { Argv } from 'yargs';
import { commandHeader } from './command-headers.js';
import { writeFileAtomic } from '../core/atomic-file.js';
import { ConfigError } from '../core/errors.js';
import { formatLongCsv, formatWideCsv, longRecords } from '../reports/csv.js';
import { prepareReport } from '../reports/prepare-report.js';
import type { Command, CommandArguments, CommandIO } from './io.js';
import { comparisonSettings, withComparisonOptions } from './report.js';

export function leaderboardCommand(io: CommandIO): Command {
  return {
    ...commandHeader('leaderboard'),
    builder: (yargs: Argv) =>
      withComparisonOptions(yargs)
        .positional('run-dirs', { type: 'string', array: true, describe: 'Run directories (runs/<run-id>)' })
        .option('with-baselines', { type: 'boolean', default: false, describe: 'Include the published numbers on the benchmarks the runs cover (all of them when no run is given)' })
        .option('wide', { type: 'boolean', default: false, describe: 'One row per model, one column per benchmark × shots (× protocol), instead of one row per result' })
        .option('out', { type: 'string', demandOption: true, describe: 'CSV file to write' })
        .example('$0 leaderboard runs/* --with-baselines --out leaderboard.csv', 'long format: one row per model × benchmark × shots')
        .example('$0 leaderboard runs/* --with-baselines --wide --out wide.csv', 'one row per model'),
    handler: async (parsed: unknown) => {
      const argv = parsed as CommandArguments;
      const runDirectories = (argv['run-dirs'] as string[] | undefined) ?? [];
      const withBaselines = argv['with-baselines'] as boolean;
      if (runDirectories.length === 0 && !withBaselines) throw new ConfigError('leaderboard: name run directories, or --with-baselines for the published numbers alone', true);
      const report = prepareReport({
        ...comparisonSettings(argv, runDirectories),
        scope: withBaselines ? (runDirectories.length === 0 ? 'all' : 'our-benchmarks') : 'attached',
      });
      const out = path.resolve(argv.out as string);
      let rows: number;
      const notices: string[] = [...report.warnings];
      if (argv.wide) {
        const { csv, rows: count, clashes } = formatWideCsv(withBaselines ? report.comparison : { ...report.comparison, groups: report.comparison.groups.map((group) => ({ ...group, rows: group.rows.filter((row) => row.kind === 'ours') })) });
        writeFileAtomic(out, csv);
        rows = count;
        notices.push(...clashes);
      } else {
        const records = longRecords(report.comparison, { oursOnly: !withBaselines });
        writeFileAtomic(out, formatLongCsv(records));
        rows = records.length;
      }
      const unmatched = report.comparison.unmatched.map(({ result, reason }) => `${result.runId} ${result.task} ${result.shots}-shot not in the leaderboard: ${reason}`);
      notices.push(...unmatched);
      if (argv.json) {
        io.stdout(`${JSON.stringify({ out, rows, format: argv.wide ? 'wide' : 'long', notices })}\n`);
        return;
      }
      for (const notice of notices) io.stderr(`warning: ${notice}\n`);
      io.stdout(`wrote ${rows} rows to ${argv.out as string}\n`);
    },
  };
}
