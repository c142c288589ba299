import path from 'node:path';
import Table from 'cli-table3';
import type { Argv } from 'yargs';
import { commandHeader } from './command-headers.js';
import { countSamples } from '../tasks/data-check.js';
import { bundledDataDir, tasks } from '../tasks/registry.js';
import type { Command, CommandArguments, CommandIO } from './io.js';

export function tasksCommand(io: CommandIO): Command {
  return {
    ...commandHeader('tasks'),
    builder: (yargs: Argv) =>
      yargs
        .option('data', { type: 'string', describe: 'Dataset folder to look in instead of the bundled samples (task=DIR for one task)', array: true })
        .example('$0 tasks --json', 'machine-readable listing'),
    handler: async (parsed: unknown) => {
      const argv = parsed as CommandArguments;
      const given = (argv.data as string[] | undefined) ?? [];
      const perTask = new Map(given.filter((value) => value.includes('=')).map((value) => [value.slice(0, value.indexOf('=')), value.slice(value.indexOf('=') + 1)]));
      const shared = given.find((value) => !value.includes('='));
      const rows = [];
      for (const task of Object.values(tasks)) {
        const userDir = perTask.get(task.id) ?? shared;
        const dataDir = userDir ? path.resolve(userDir) : bundledDataDir(task);
        const splits = [];
        for (const split of task.splits) {
          splits.push({ name: split.name, hasAnswers: split.hasAnswers, samples: await countSamples(task, dataDir, split.name).catch(() => null) });
        }
        rows.push({
          id: task.id,
          version: task.version,
          modality: task.modality,
          metric: task.metric,
          defaultSplit: task.defaultSplit,
          description: task.description,
          data: { source: userDir ? 'user' : 'bundled-sample', dir: dataDir, found: splits.some((split) => split.samples !== null) },
          splits,
        });
      }
      if (argv.json) {
        io.stdout(`${JSON.stringify({ tasks: rows })}\n`);
        return;
      }
      const table = new Table({ head: ['task', 'version', 'modality', 'metric', 'splits (samples)', 'data'], style: { head: [], border: [] } });
      for (const row of rows) {
        const splits = row.splits.map((split) => `${split.name}${split.name === row.defaultSplit ? '*' : ''} (${split.samples ?? 'missing'}${split.hasAnswers ? '' : ', no answers'})`).join('\n');
        table.push([row.id, String(row.version), row.modality, row.metric, splits, row.data.found ? row.data.source : 'not found']);
      }
      io.stdout(`${table.toString()}\n* default split. Bundled samples are synthetic: point --data at the real download for real numbers.\n`);
    },
  };
}
