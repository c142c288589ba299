import type { Argv } from 'yargs';
import { commandHeader } from './command-headers.js';
import { readTaskListing, taskListingFile, taskListingInputs } from './task-listing.js';
import type { Command, CommandArguments, CommandIO } from './io.js';

/** Where the build's listing of the bundled samples is and what it was made from (tests point elsewhere). */
export interface ListingLocation {
  file: string;
  inputs: () => string[];
}

export function tasksCommand(io: CommandIO, listing: ListingLocation = { file: taskListingFile, inputs: taskListingInputs }): Command {
  return {
    ...commandHeader('tasks'),
    builder: (yargs: Argv) =>
      yargs
        .option('data', { type: 'string', describe: 'Dataset folder to look in instead of the bundled samples (task=DIR for one task)', array: true })
        .example('$0 tasks --json', 'machine-readable listing'),
    handler: async (parsed: unknown) => {
      const argv = parsed as CommandArguments;
      const given = (argv.data as string[] | undefined) ?? [];
      // The bundled samples' listing written by the build, while it matches them; counted afresh otherwise.
      const rows = (given.length === 0 ? readTaskListing(listing.file, listing.inputs()) : undefined) ?? (await (await import('./task-rows.js')).taskRows(given));
      if (argv.json) {
        io.stdout(`${JSON.stringify({ tasks: rows })}\n`);
        return;
      }
      const { default: Table } = await import('cli-table3'); // the table only: --json does not load it
      const table = new Table({ head: ['task', 'version', 'modality', 'metric', 'splits (samples)', 'data'], style: { head: [], border: [] } });
      for (const row of rows) {
        const splits = row.splits.map((split) => `${split.name}${split.name === row.defaultSplit ? '*' : ''} (${split.samples ?? 'missing'}${split.hasAnswers ? '' : ', no answers'})`).join('\n');
        table.push([row.id, String(row.version), row.modality, row.metric, splits, row.data.found ? row.data.source : 'not found']);
      }
      io.stdout(`${table.toString()}\n* default split. Bundled samples are synthetic: point --data at the real download for real numbers.\n`);
    },
  };
}
