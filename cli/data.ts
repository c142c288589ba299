import path from 'node:path';
import type { Argv } from 'yargs';
import { commandHeader } from './command-headers.js';
import { checkData } from '../tasks/data-check.js';
import { getTask, taskIds } from '../tasks/registry.js';
import type { Command, CommandArguments, CommandIO } from './io.js';

export function dataCommand(io: CommandIO, setExitCode: (code: number) => void): Command {
  return {
    ...commandHeader('data'),
    builder: (yargs: Argv) =>
      yargs.command({
        command: 'check <task>',
        describe: 'Validate a dataset folder: files present, schema valid, images resolvable, counts; lists every problem',
        builder: (inner: Argv) =>
          inner
            .positional('task', { type: 'string', describe: `Task id: ${taskIds().join(', ')}` })
            .option('data', { type: 'string', demandOption: true, describe: 'Dataset folder, as downloaded (official files, or an lmms-lab Parquet snapshot)' })
            .option('split', { type: 'string', describe: 'Check one split only' })
            .example('$0 data check vqav2 --data /data/vqav2', ''),
        handler: async (parsed: unknown): Promise<void> => {
      const argv = parsed as CommandArguments;
          const task = getTask(argv.task as string);
          const report = await checkData(task, path.resolve(argv.data as string), argv.split ? { split: argv.split as string } : undefined);
          if (report.problems.length > 0) setExitCode(1);
          if (argv.json) {
            io.stdout(`${JSON.stringify(report)}\n`);
            return;
          }
          for (const split of report.splits) {
            io.stdout(`${task.id} ${split.split}: ${split.found ? `${split.questions} questions, ${split.images} images${split.missingImages ? `, ${split.missingImages} missing` : ''}` : 'files not found'}\n`);
          }
          if (report.problems.length === 0) {
            io.stdout('no problems found\n');
            return;
          }
          io.stdout(`${report.problems.length + report.unlistedProblems} problem(s):\n`);
          for (const problem of report.problems) io.stdout(`  ${problem.file}${problem.field ? ` ${problem.field}` : ''}: ${problem.message}\n`);
          if (report.unlistedProblems > 0) io.stdout(`  ... and ${report.unlistedProblems} more of the same kinds (fix these first)\n`);
        },
      }),
    handler: () => {},
  };
}
