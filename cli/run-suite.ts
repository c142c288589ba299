import path from 'node:path';
import type { Argv } from 'yargs';
import { ConfigError } from '../core/errors.js';
import { loadSuite, selectEntries } from '../evals/suites/load-suite.js';
import { runSuite, type SuiteRunOptions } from '../evals/suites/run-suite.js';
import { suiteRunFolder } from '../evals/suites/suite-run-folder.js';
import type { SuiteEntry } from '../evals/suites/suite-schema.js';
import { joinModelSpecs } from '../runners/openai/endpoints.js';
import type { RunnerOptions } from '../core/contracts/runner.js';
import { type CommandArguments, type CommandIO } from './io.js';
import { modelRunnerOptions, withModelOptions } from './model-options.js';
import { startRunFeedback } from './run-feedback.js';
import { asExtraction, parseDataOption, parseShardOption } from './shared-options.js';
import { formatSummaryTable } from './summary.js';

// `run --suite` and `nightly`: every suite entry goes through evaluate() with the entry's tasks,
// protocol, shots, seeds and limit, and the command line's model, data and runner settings.

/** Flags the suite decides; giving them with --suite would be ambiguous, so it is a usage error. */
const SUITE_DECIDED = ['shots', 'seeds', 'trials', 'demos', 'limit', 'split', 'frames', 'frame-sampler'];

/** The model, data and runner flags of `nightly` (`run` has its own, a superset). */
export function withSuiteModelOptions<T>(yargs: Argv<T>) {
  return withModelOptions(yargs)
    .option('data', { type: 'string', array: true, describe: 'Dataset folder (as downloaded); task=DIR for one task. Default: the bundled synthetic sample' })
    .option('entries', { type: 'string', describe: 'Comma list of suite entries to run (default: all)' })
    .option('normalize', { choices: ['official', 'always'] as const, default: 'official' as const, describe: 'VQA answer normalization' })
    .option('batch-size', { type: 'number', describe: 'Requests per generate call' })
    .option('params', { type: 'number', describe: 'Declared total parameter count' });
}

export function parseEntryNames(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const names = String(value).split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new ConfigError('--entries takes a comma list of entry names', true);
  return names;
}

/** evaluate() options every entry shares, from the command line. */
export function sharedEvaluateOptions(argv: CommandArguments, hooks: Pick<SuiteRunOptions['shared'], 'signal' | 'onEvent' | 'countTotals'>): SuiteRunOptions['shared'] {
  return {
    model: joinModelSpecs(argv.model as string | string[]),
    data: parseDataOption(argv.data as string[] | undefined),
    normalize: (argv.normalize as 'official' | 'always' | undefined) ?? 'official',
    extraction: asExtraction(argv.extraction as string | undefined),
    ...(argv['max-new-tokens'] !== undefined ? { maxNewTokens: argv['max-new-tokens'] as number } : {}),
    ...(argv['num-beams'] !== undefined ? { numBeams: argv['num-beams'] as number } : {}),
    ...(argv['batch-size'] !== undefined ? { batchSize: argv['batch-size'] as number } : {}),
    ...(argv.shard !== undefined ? { shard: parseShardOption(argv) } : {}),
    ...(argv['rices-encoder'] ? { ricesEncoder: path.resolve(argv['rices-encoder'] as string) } : {}),
    ...(argv['retry-errors'] ? { retryErrors: true } : {}),
    command: ['emu-eval', ...process.argv.slice(2)],
    ...hooks,
  };
}

/**
 * Runner options may depend on the protocol (an OpenAI server's beam count and image size): per entry.
 * The flags are checked once here, before any entry runs.
 */
export function runnerOptionsForEntry(argv: CommandArguments, entries: readonly SuiteEntry[]): (entry: SuiteEntry) => RunnerOptions {
  for (const entry of entries) modelRunnerOptions({ ...argv, protocol: entry.protocol });
  return (entry) => modelRunnerOptions({ ...argv, protocol: entry.protocol });
}

/** `emu-eval run --suite NAME|FILE`: one run directory per entry under <out>/<suite run id>/. */
export async function runSuiteCommand(io: CommandIO, argv: CommandArguments, setExitCode: (code: number) => void): Promise<void> {
  const tasks = (argv.tasks as string[] | undefined) ?? [];
  if (tasks.length > 0) throw new ConfigError(`--suite decides the tasks; drop ${tasks.join(' ')} (or run them without --suite)`, true);
  const conflicting = SUITE_DECIDED.filter((flag) => argv[flag] !== undefined);
  if (conflicting.length > 0) throw new ConfigError(`--suite decides --${conflicting.join(', --')} per entry; edit the suite file instead`, true);
  if (argv.protocol !== undefined && argv.protocol !== 'emu2') throw new ConfigError('--suite decides the protocol of each entry; drop --protocol', true);
  if (argv['answer-by'] === 'likelihood') throw new ConfigError('suite entries answer multiple-choice tasks by generation; run --answer-by likelihood without --suite', true);
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
    const folder = suiteRunFolder({ out: argv.out as string, runId: argv['run-id'] as string | undefined, suite, model: shared.model, data: shared.data, entries });
    const result = await runSuite({
      suite,
      entries,
      folder,
      shared,
      runnerOptionsFor: runnerOptionsForEntry(argv, entries),
      onEntryStart: (entry, index) => notify('info', `suite ${suite.name}: entry ${index + 1}/${entries.length} ${entry.name} (${entry.tasks.join(', ')}; ${entry.protocol}; shots ${entry.shots.join(',')})`),
    });
    feedback.finish();
    if (argv.json) {
      io.stdout(
        `${JSON.stringify({
          suiteRun: result.folder,
          suite: { name: suite.name, file: suite.file, hash: suite.hash },
          status: result.manifest.status,
          entries: result.results.map(({ entry, result: run }) => ({ name: entry.name, runDirectory: run.runDirectory, status: run.record.status, metrics: run.metrics.results })),
        })}\n`,
      );
    } else {
      for (const { entry, result: run } of result.results) io.stdout(`\n${entry.name}: ${entry.description ?? entry.tasks.join(', ')}\n${formatSummaryTable(run.metrics)}\n`);
      io.stdout(`\nsuite run: ${result.folder} (${result.manifest.status}; one run directory per entry)\n`);
    }
    if (result.manifest.status === 'interrupted') setExitCode(130);
  } finally {
    feedback.dispose();
  }
}
