import type { Argv } from 'yargs';
import { commandHeader } from './command-headers.js';
import { ConfigError } from '../core/errors.js';
import { filterBaselines, loadBaselines } from '../reports/baselines/registry.js';
import { benchmarkNameOf as benchmarkName } from '../tasks/registry.js';
import { buildComparison } from '../reports/compare-rows.js';
import { paramsBases, type ParamsBasis } from '../reports/params-basis.js';
import { comparisonJson } from '../reports/report-json.js';
import { formatComparisonTables } from '../reports/table.js';
import type { Command, CommandArguments, CommandIO } from './io.js';

export function baselinesCommand(io: CommandIO): Command {
  return {
    ...commandHeader('baselines'),
    builder: (yargs: Argv) =>
      yargs
        .option('task', { type: 'string', describe: 'Only this benchmark: a task id (vqav2) or a benchmark name (VQAv2)' })
        .option('shots', { type: 'number', describe: 'Only this shot count (0 includes Flamingo-style 0*)' })
        .option('model', { type: 'string', describe: 'Only models whose name contains this text' })
        .option('baselines', { type: 'string', array: true, describe: 'Extra baseline rows from a CSV or JSON file (published.csv columns); replace built-ins reporting the same thing' })
        .option('params-basis', { choices: paramsBases, default: 'total' as ParamsBasis, describe: 'Parameter count the size trend uses' })
        .example('$0 baselines --task vqav2 --shots 0', 'VQAv2 zero-shot numbers, grouped so that 0* and 0 never mix')
        .example('$0 baselines --model CogVLM', 'every CogVLM number'),
    handler: async (parsed: unknown) => {
      const argv = parsed as CommandArguments;
      const task = argv.task as string | undefined;
      if (task !== undefined && !benchmarkName(task) && !loadBaselines().some((row) => row.benchmark.toLowerCase() === task.toLowerCase())) {
        throw new ConfigError(`--task ${task}: no such task or benchmark`, true);
      }
      const rows = filterBaselines(
        loadBaselines((argv.baselines as string[] | undefined) ?? []),
        { benchmark: task, shots: argv.shots as number | undefined, model: argv.model as string | undefined },
        benchmarkName,
      );
      const comparison = buildComparison([], rows, { basis: argv['params-basis'] as ParamsBasis, scope: 'all' });
      if (argv.json) {
        io.stdout(`${JSON.stringify({ count: rows.length, baselines: rows, comparison: comparisonJson(comparison) })}\n`);
        return;
      }
      io.stdout(rows.length === 0 ? 'no published numbers match\n' : `${formatComparisonTables(comparison)}\n`);
    },
  };
}
