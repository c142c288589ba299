// The `emu-eval run` flags of the OpenAI runner → runner options. Kept out of the CLI module so the
// conversions (seconds → milliseconds, JSON → object, the protocol's image size) have one home. Only the
// NAME of the API key's variable becomes an option: runner options are written to run.json.
import { ConfigError } from '../../core/errors.js';
import { getPreset } from '../../tasks/prompts/presets.js';
import type { RunnerOptions } from '../../core/contracts/runner.js';
import { joinModelSpecs } from './endpoints.js';
import { parseExtraBody } from './extra-body.js';

const OPENAI_FLAGS = ['model-name', 'api-key-env', 'concurrency', 'extra-body', 'request-timeout', 'max-retries', 'retry-delay', 'resize-images', 'cache-dir'];

function optionalNumber(argv: Record<string, unknown>, flag: string): number | undefined {
  const value = argv[flag];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) throw new ConfigError(`--${flag} takes a number, found ${JSON.stringify(value)}`, true);
  return value;
}

function optionalString(argv: Record<string, unknown>, flag: string): string | undefined {
  const value = argv[flag];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new ConfigError(`--${flag} takes one value`, true);
  return value;
}

/** Options for an `openai:` model from parsed flags; none for other models (which refuse these flags). */
export function openAIRunnerOptions(argv: Record<string, unknown>): RunnerOptions {
  const model = joinModelSpecs(argv.model as string | string[]);
  const given = OPENAI_FLAGS.filter((flag) => argv[flag] !== undefined && argv[flag] !== false);
  if (argv.cache === false) given.push('no-cache');
  if (!model.startsWith('openai:')) {
    if (given.length > 0) throw new ConfigError(`--${given.join(', --')} ${given.length === 1 ? 'applies' : 'apply'} to openai:URL models only`, true);
    return {};
  }
  const timeoutSeconds = optionalNumber(argv, 'request-timeout');
  const extraBody = optionalString(argv, 'extra-body');
  const preset = getPreset(String(argv.protocol));
  const numBeams = optionalNumber(argv, 'num-beams') ?? preset.numBeams;
  const options: RunnerOptions = {
    ...(optionalString(argv, 'model-name') ? { modelName: optionalString(argv, 'model-name') } : {}),
    ...(optionalString(argv, 'api-key-env') ? { apiKeyEnv: optionalString(argv, 'api-key-env') } : {}),
    ...(optionalNumber(argv, 'concurrency') !== undefined ? { concurrency: optionalNumber(argv, 'concurrency') } : {}),
    ...(extraBody ? { extraBody: parseExtraBody(extraBody) } : {}),
    ...(timeoutSeconds !== undefined ? { requestTimeoutMs: timeoutSeconds * 1000 } : {}),
    ...(optionalNumber(argv, 'max-retries') !== undefined ? { maxRetries: optionalNumber(argv, 'max-retries') } : {}),
    ...(optionalNumber(argv, 'retry-delay') !== undefined ? { retryDelayMs: optionalNumber(argv, 'retry-delay') } : {}),
    ...(argv['resize-images'] === true ? { imageSize: preset.imageSize } : {}),
    // Recorded so a run that cannot honour the protocol's beams says so in run.json.
    ...(numBeams > 1 ? { numBeams } : {}),
    ...(argv.cache === false ? { noCache: true } : {}),
    ...(optionalString(argv, 'cache-dir') ? { cacheDir: optionalString(argv, 'cache-dir') } : {}),
  };
  return options;
}
