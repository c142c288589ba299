import path from 'node:path';
import type { Argv } from 'yargs';
import { commandHeader } from './command-headers.js';
import { ConfigError } from '../core/errors.js';
import { taskIds } from '../tasks/registry.js';
import { notifier, type Command, type CommandArguments, type CommandIO } from './io.js';
import { presets } from '../tasks/prompts/presets.js';
import { asExtraction, checkCountFlags, judgeSettings, parseDataOption, withJudgeOptions, withRunOutput } from './shared-options.js';

export function scoreCommand(io: CommandIO): Command {
  return {
    ...commandHeader('score'),
    builder: (yargs: Argv) =>
      withJudgeOptions(withRunOutput(yargs))
        .positional('task', { type: 'string', describe: `Task id: ${taskIds().join(', ')}` })
        .option('predictions', { type: 'string', demandOption: true, describe: 'Predictions file' })
        .option('data', { type: 'string', describe: 'Dataset folder with the question and annotation files (default: the bundled sample)' })
        // Scoring does not prompt, but the report places results by protocol: Emu2-Chat answers scored
        // under the default emu2 (base model, true zero-shot) would sit apart from the Table 2 rows.
        .option('protocol', {
          choices: Object.keys(presets),
          default: 'emu2',
          describe: 'Protocol the predictions were made under, recorded in run.json so `report` compares them with the right published rows: emu2 (base model, true zero-shot), emu2-chat / llava (instruction-tuned, Emu2 Table 2), flamingo (0*)',
        })
        .example('$0 score vqav2 --predictions results.json --data /data/vqav2', 'official VQA accuracy, as vqaEval.py computes it')
        .example('$0 score vqav2 --predictions emu2-chat-results.json --data /data/vqav2 --protocol emu2-chat', 'Emu2-Chat\'s answers: compared with the instruction-tuned rows (Table 2)')
        .example('$0 score vqav2 --predictions runs/x/samples.jsonl --normalize always --extraction short-answer', 'another normalization of an earlier run')
        .example('$0 score textvqa --predictions results.json --data /data/textvqa', 'TextVQA accuracy, as the m4c TextVQA evaluator computes it')
        .example('$0 score gqa --predictions results.json --data /data/gqa --gqa-answers llava', "GQA as LLaVA's pipeline scores it (recorded in run.json)")
        .example('$0 score mmmu --predictions total_val_output.json --data /data/mmmu', "MMMU predictions in its own {id: answer} format, as main_eval_only.py scores them")
        .example('$0 score mm-vet --predictions results.json --data /data/mm-vet --judge openai:https://api.openai.com/v1 --judge-model gpt-4-0613', "MM-Vet's results file graded as mm-vet_evaluator.py grades it, five runs"),
    handler: async (parsed: unknown) => {
      const argv = parsed as CommandArguments;
      checkCountFlags(argv);
      const notify = notifier(io, argv);
      const predictions = path.resolve(argv.predictions as string);
      const task = argv.task as string;
      if (typeof argv.data === 'object') throw new ConfigError('score takes one --data folder', true);
      const [{ evaluate }, { reportRun }] = await Promise.all([import('../evals/evaluate.js'), import('./report-run.js')]);
      const result = await evaluate({
        kind: 'score',
        tasks: [task],
        model: `replay:${predictions}`,
        data: parseDataOption(argv.data as string | undefined),
        split: argv.split as string | undefined,
        limit: argv.limit as number | undefined,
        outDir: argv.out as string,
        runId: argv['run-id'] as string | undefined,
        protocol: argv.protocol as string,
        // Official predictions are final answers: score them as given unless told otherwise.
        extraction: asExtraction(argv.extraction as string | undefined) ?? 'raw',
        normalize: argv.normalize as 'official' | 'always',
        gqaAnswers: argv['gqa-answers'] as 'official' | 'llava',
        command: ['emu-eval', ...process.argv.slice(2)],
        textOnly: true,
        ...judgeSettings(argv),
        onEvent: (event) => {
          if (event.type === 'notice') notify(event.level, event.message);
        },
      });
      const missing = result.metrics.results.reduce((sum, entry) => sum + entry.all.nErrors, 0);
      if (missing > 0) notify('warning', `${missing} question(s) had no prediction: counted as wrong in "score" (ALL), left out of "valid"`);
      reportRun(io, argv, result);
    },
  };
}
