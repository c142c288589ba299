import path from 'node:path';
import type { Argv } from 'yargs';
import { commandHeader } from './command-headers.js';
import { EXIT } from './exit-codes.js';
import { ConfigError } from '../core/errors.js';
import { SHARD_COUNT_ENV } from '../evals/shard.js';
import { joinModelSpecs } from '../runners/openai/endpoints.js';
import { presets } from '../tasks/prompts/presets.js';
import { taskIds } from '../tasks/registry.js';
import { type Command, type CommandArguments, type CommandIO } from './io.js';
import { modelRunnerOptions, withModelOptions } from './model-options.js';
import { startRunFeedback } from './run-feedback.js';
import { asExtraction, checkCountFlags, judgeSettings, parseDataOption, parseNumberList, parseShardOption, withJudgeOptions, withRunOutput } from './shared-options.js';

export function runCommand(io: CommandIO, setExitCode: (code: number) => void): Command {
  return {
    ...commandHeader('run'),
    builder: (yargs: Argv) =>
      withJudgeOptions(withModelOptions(withRunOutput(yargs)))
        .positional('tasks', { type: 'string', array: true, describe: `Task ids: ${taskIds().join(', ')}` })
        .option('suite', { type: 'string', describe: 'Run a suite instead of tasks: a built-in name (nightly, emu2-paper) or a YAML file; one run directory per entry under --out/<suite run id>/' })
        .option('entries', { type: 'string', describe: 'With --suite: comma list of the entries to run (default: all)' })
        .option('data', { type: 'string', array: true, describe: 'Dataset folder (as downloaded); task=DIR for one task. Default: the bundled synthetic sample' })
        .option('protocol', { choices: Object.keys(presets), default: 'emu2', describe: 'Prompt protocol preset (docs/protocols.md#presets)' })
        .option('shots', { type: 'string', describe: 'Comma list of shot counts, e.g. 0,4,8,16 (demonstrations from the train split)' })
        .option('demos', { choices: ['random', 'rices'] as const, describe: 'Demonstration selection: random (open_flamingo, per-sample draw from a 2048-example query set) or rices (most similar training images)' })
        .option('trials', { type: 'number', describe: 'Few-shot trials with random demonstrations (seeds 0..N-1)' })
        .option('seeds', { type: 'string', describe: 'Comma list of seeds, one trial each' })
        .option('rices-encoder', { type: 'string', describe: 'ONNX image encoder folder for RICES (default: the evaluated ONNX model\'s vision encoder)' })
        .option('shard', { type: 'string', describe: 'i/n: evaluate shard i of n (0-based; chosen by sample id, deterministic and disjoint); auto: i and n from a Slurm job array (SLURM_ARRAY_TASK_*) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with --shards)' })
        .option('shards', { type: 'number', describe: `With --shard auto in a Kubernetes Indexed Job: the number of completions (default: $${SHARD_COUNT_ENV})` })
        .option('batch-size', { type: 'number', describe: 'Requests per generate call' })
        .option('max-new-tokens', { type: 'number', describe: 'Override the preset\'s maximum new tokens' })
        .option('num-beams', { type: 'number', describe: 'Override the preset\'s beam count (1 = greedy)' })
        .option('frames', { type: 'number', describe: 'Video tasks: frames sampled per video (default: 16 for emu2-chat, 8 otherwise)' })
        .option('answer-by', { choices: ['generation', 'likelihood'] as const, default: 'generation' as const, describe: 'Multiple-choice tasks (seed-bench): generation asks for the option letter; likelihood picks the option the model finds most likely (SEED-Bench eval.py; needs a runner that scores continuations). Recorded in run.json' })
        .option('frame-sampler', { choices: ['uniform', 'interior', 'midpoint'] as const, describe: 'Video tasks: uniform (lmms-eval), interior (VLMEvalKit), midpoint (Video-ChatGPT); default uniform' })
        .option('retry-errors', { type: 'boolean', default: false, describe: 'Attempt again the samples of this run that ended in an error (e.g. after a server outage)' })
        .option('params', { type: 'number', describe: 'Declared total parameter count (overrides the count read from the graph)' })
        .example('$0 run vqav2', 'bundled sample + tiny-emu smoke test')
        .example('$0 run vqav2 okvqa --model onnx:./emu2-chat-onnx --data vqav2=/data/vqav2 --data okvqa=/data/okvqa --protocol emu2-chat', 'a real model on real data')
        .example('$0 run vqav2 --model replay:results.json --data /data/vqav2', 'replay published predictions through the full loop')
        .example('$0 run mmmu mm-vet --model openai:http://gpu:8000/v1 --data mmmu=/data/mmmu --data mm-vet=/data/mm-vet --judge openai:https://api.openai.com/v1 --judge-model gpt-4-0613', 'MMMU and MM-Vet, MM-Vet graded by GPT-4 five times')
        .example('$0 run vqav2 --data /data/vqav2 --shard auto', 'in a Slurm array job or Kubernetes Indexed Job: this worker\'s shard')
        .example('$0 run vqav2 okvqa --shots 0,4,8,16 --protocol emu2 --demos rices', 'Emu2 Table 1 style few-shot')
        .example('$0 run --suite emu2-paper --entries table-1-few-shot --model onnx:./emu2 --data vqav2=/data/vqav2', 'a suite: the entries\' settings, this model and data'),
    handler: async (parsed: unknown) => {
      const argv = parsed as CommandArguments;
      checkCountFlags(argv);
      // The engine loads here, not with the module: `run --help` stays quick.
      if (argv.suite !== undefined) return (await import('./run-suite.js')).runSuiteCommand(io, argv, setExitCode);
      if (!(argv.tasks as string[] | undefined)?.length) throw new ConfigError('name at least one task (emu-eval tasks lists them), or a --suite', true);
      const [{ evaluate }, { failedSamples, reportRun }] = await Promise.all([import('../evals/evaluate.js'), import('./report-run.js')]);
      const feedback = startRunFeedback(io, argv);
      try {
        const result = await evaluate({
          kind: 'run',
          tasks: argv.tasks as string[],
          model: joinModelSpecs(argv.model as string | string[]),
          data: parseDataOption(argv.data as string[] | undefined),
          split: argv.split as string | undefined,
          limit: argv.limit as number | undefined,
          shard: parseShardOption(argv),
          outDir: argv.out as string,
          runId: argv['run-id'] as string | undefined,
          protocol: argv.protocol as string,
          extraction: asExtraction(argv.extraction as string | undefined),
          normalize: argv.normalize as 'official' | 'always',
          gqaAnswers: argv['gqa-answers'] as 'official' | 'llava',
          answerBy: argv['answer-by'] as 'generation' | 'likelihood',
          maxNewTokens: argv['max-new-tokens'] as number | undefined,
          numBeams: argv['num-beams'] as number | undefined,
          batchSize: argv['batch-size'] as number | undefined,
          runnerOptions: modelRunnerOptions(argv),
          command: ['emu-eval', ...process.argv.slice(2)],
          retryErrors: argv['retry-errors'] as boolean,
          ...judgeSettings(argv),
          shots: parseNumberList(argv.shots as string | undefined, '--shots'),
          seeds: parseNumberList(argv.seeds as string | undefined, '--seeds'),
          trials: argv.trials as number | undefined,
          demos: argv.demos as 'random' | 'rices' | undefined,
          ricesEncoder: argv['rices-encoder'] ? path.resolve(argv['rices-encoder'] as string) : undefined,
          frames: argv.frames as number | undefined,
          frameSampler: argv['frame-sampler'] as 'uniform' | 'interior' | 'midpoint' | undefined,
          signal: feedback.signal,
          countTotals: feedback.countTotals,
          onEvent: feedback.onEvent,
        });
        feedback.finish();
        reportRun(io, argv, result);
        const { samples, errors } = failedSamples(result);
        if (result.record.status === 'interrupted') setExitCode(130);
        else if (samples > 0 && errors === samples) {
          io.stderr(`emu-eval: every one of the ${samples} samples ended in an error (their messages are in ${path.join(result.runDirectory, 'samples.jsonl')}); fix the cause and rerun with --retry-errors\n`);
          setExitCode(EXIT.error);
        }
      } finally {
        feedback.dispose();
      }
    },
  };
}
