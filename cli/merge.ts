import type { Argv } from 'yargs';
import { commandHeader } from './command-headers.js';
import { expandGlobArguments } from '../core/path-glob.js';
import { mergeRuns } from '../evals/merge-runs.js';
import { notifier, type Command, type CommandArguments, type CommandIO } from './io.js';
import { reportRun } from './report-run.js';

export function mergeCommand(io: CommandIO): Command {
  return {
    ...commandHeader('merge'),
    builder: (yargs: Argv) =>
      yargs
        .positional('runs', { type: 'string', array: true, describe: 'Run directories of the shards, one per shard 0..n-1; a quoted glob (\'runs/shard-*\') is expanded here' })
        .option('out', { type: 'string', default: './runs', describe: 'Folder that holds run directories' })
        .option('run-id', { type: 'string', describe: 'Name of the merged run directory (default: the one the unsharded command would use)' })
        .option('allow-partial', {
          type: 'boolean',
          default: false,
          describe: 'Merge even with missing or unfinished shards: the run is marked interrupted; rerun the unsharded command with the same --out and --run-id to complete it',
        })
        .example('$0 merge runs/shard-0 runs/shard-1 runs/shard-2', 'three machines\' shards into one run')
        .example("$0 merge 'runs/shard-*' --out runs/", 'every shard directory the pattern matches')
        .epilog('Refused, naming the difference: shards of different configurations, task versions or data, overlapping samples, a shard given twice, and (without --allow-partial) missing or unfinished shards.'),
    handler: async (parsed: unknown) => {
      const argv = parsed as CommandArguments;
      const notify = notifier(io, argv);
      const merged = await mergeRuns({
        runDirectories: expandGlobArguments((argv.runs as string[] | undefined) ?? []),
        outDir: argv.out as string,
        runId: argv['run-id'] as string | undefined,
        allowPartial: argv['allow-partial'] as boolean,
        command: ['emu-eval', ...process.argv.slice(2)],
      });
      const shards = merged.shardCount - merged.missingShards.length;
      notify('info', `merged ${merged.samples} samples from ${shards} of ${merged.shardCount} shards`);
      if (merged.record.status !== 'finished') {
        for (const warning of merged.record.warnings.filter((text) => text.startsWith('partial merge'))) notify('warning', warning);
      }
      reportRun(io, argv, { runDirectory: merged.runDirectory, record: merged.record, metrics: merged.metrics, resumed: false });
    },
  };
}
