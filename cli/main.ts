import yargs from 'yargs';
import { ConfigError, DataError, RunnerError, errorMessage } from '../core/errors.js';
import { NUMBER_FLAG_TEXT, numberFlagTexts } from '../core/number-flag-text.js';
import { emuEvalVersion } from '../artifact/environment.js';
import { commandEntries } from './commands.js';
import { EXIT } from './exit-codes.js';
import { processIO, type Command, type CommandIO } from './io.js';


/**
 * The CLI as a function: parses argv, runs one command, returns the exit code. The one error boundary
 * of the program is here: every command throws, this decides what the user sees and the exit code.
 */
export async function main(argv: string[], io: CommandIO = processIO): Promise<number> {
  let exitCode: number = EXIT.ok;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  let commands: Command[];
  try {
    commands = await commandModules(argv, io, setExitCode);
  } catch (error) {
    return reportError(error, io);
  }
  const parser = yargs(argv)
    .scriptName('emu-eval')
    .usage('$0 <command> [options]\n\nEvaluate vision-language models the way the Emu2 paper does: official-exact VQA scoring, resumable runs, confidence intervals.')
    .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object on stdout and nothing else there' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'No progress bar or informational messages' })
    // Before any handler: keep the text of number flags that were not numbers, for the usage error.
    .middleware((parsed) => {
      const texts = numberFlagTexts(parsed, argv);
      if (Object.keys(texts).length > 0) Object.assign(parsed, { [NUMBER_FLAG_TEXT]: texts });
    })
    .command(commands)
    .demandCommand(1, 'Name a command: run, score, merge, tasks, data check, report, baselines, leaderboard, compare, nightly, history, export')
    .strict()
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .version(emuEvalVersion())
    .epilog('Exit codes: 0 ok, 1 error, 2 usage, 3 regression detected, 130 interrupted (rerun to resume).')
    .fail((message, error) => {
      throw error ?? new ConfigError(message, true);
    })
    .exitProcess(false);
  skipHelpCache(parser);
  try {
    let helpShown = false;
    await parser.parseAsync(argv, {}, (_error, _parsed, output) => {
      if (output) {
        helpShown = true;
        io.stdout(`${output}\n`);
      }
    });
    return helpShown ? EXIT.ok : exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

/**
 * yargs renders the command's whole help text right after starting its handler (to show it should the
 * handler fail); `fail` above throws instead of showing help, so that text is never used, and writing
 * it cost 0.1–0.2 s of every `run` and `score`. Without the cache, `--help` renders as it always does.
 */
function skipHelpCache(parser: object): void {
  const internal = (parser as { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } }).getInternalMethods?.();
  const usage = internal?.getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/**
 * The command being run, loaded; every other command as its name and description only (enough for
 * `--help`, strict parsing and "did you mean"). Global flags take no value, so the first word that
 * isn't a flag names the command.
 */
async function commandModules(argv: string[], io: CommandIO, setExitCode: (code: number) => void): Promise<Command[]> {
  const named = argv.find((word) => !word.startsWith('-'));
  return Promise.all(
    Object.entries(commandEntries).map(async ([name, entry]): Promise<Command> => {
      if (name === named) return entry.load(io, setExitCode);
      return { command: entry.command, describe: entry.describe, handler: () => {} };
    }),
  );
}

function reportError(error: unknown, io: CommandIO): number {
  if (error instanceof ConfigError) {
    io.stderr(`emu-eval: ${error.message}\n${error.usage ? 'Run emu-eval --help for usage.\n' : ''}`);
    return error.usage ? EXIT.usage : EXIT.error;
  }
  if (error instanceof DataError || error instanceof RunnerError) {
    io.stderr(`emu-eval: ${error.message}\n`);
    return EXIT.error;
  }
  io.stderr(`emu-eval: unexpected error: ${errorMessage(error)}\n${error instanceof Error && process.env.EMU_EVAL_DEBUG ? `${error.stack}\n` : ''}`);
  return EXIT.error;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
