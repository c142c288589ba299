// `--model openai:URL[,URL...]` plus the run's flags → an OpenAI runner. The API key is read here, from
// the environment variable the options name, and goes nowhere but the runner's Authorization header.
import { z } from 'zod';
import { ConfigError, errorMessage } from '../../core/errors.js';
import type { CommonRunnerOptions } from '../../core/contracts/runner.js';
import { serverMessage } from './attempt-error.js';
import { parseEndpoints, type Endpoint } from './endpoints.js';
import { requestsBeamSearch, validateExtraBody } from './extra-body.js';
import { HttpTransport } from './http-transport.js';
import { createOpenAIRunner, type OpenAIRunner } from './openai-runner.js';
import { createRedactor } from './redact.js';
import { DEFAULT_RETRY_POLICY } from './retry.js';

/** The OpenAI backend's options, as recorded in run.json. */
export type OpenAIOptions = {
  /** The served model's name (default: the one model the server lists). */
  modelName?: string;
  /** The NAME of the environment variable holding the API key, never the key: options are recorded. */
  apiKeyEnv?: string;
  /** Most requests in flight across all replicas; adaptive concurrency stays at or below it. */
  concurrency?: number;
  /** Server-specific request fields (e.g. vLLM's beam search), merged into every request body. */
  extraBody?: Record<string, unknown>;
  requestTimeoutMs?: number;
  maxRetries?: number;
  /** First retry's backoff; later ones double it (with jitter). */
  retryDelayMs?: number;
  /** Re-encode images as square JPEGs of this size before sending (the protocol's resolution). */
  imageSize?: number;
  /** The beams the protocol asks for, recorded so a run that cannot honour them says so. */
  numBeams?: number;
  noCache?: boolean;
  cacheDir?: string;
};

export const DEFAULT_API_KEY_ENV = 'OPENAI_API_KEY';
export const DEFAULT_CONCURRENCY = 64;
export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

function wholeNumber(value: number | undefined, fallback: number, flag: string, minimum: number, maximum: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < minimum || chosen > maximum) {
    throw new ConfigError(`${flag} takes a whole number from ${minimum} to ${maximum}, found ${value}`, true);
  }
  return chosen;
}

function positiveMilliseconds(value: number | undefined, fallback: number, flag: string): number {
  const chosen = value ?? fallback;
  if (!Number.isFinite(chosen) || chosen <= 0) throw new ConfigError(`${flag} must be a positive duration, found ${value}`, true);
  return chosen;
}

const modelListSchema = z.looseObject({ data: z.array(z.looseObject({ id: z.string() })) });

/** The served model's name from GET /models, when --model-name is absent and the server serves one model. */
async function discoverModelName(endpoint: Endpoint, headers: Record<string, string>, timeoutMs: number, redact: (text: string) => string): Promise<string> {
  const transport = new HttpTransport(1);
  const advice = 'pass --model-name NAME';
  try {
    const reply = await transport.send(endpoint, { method: 'GET', path: '/models', headers, timeoutMs });
    if (reply.status !== 200) throw new ConfigError(redact(`${endpoint.label}/models answered HTTP ${reply.status}: ${serverMessage(reply.body)}; ${advice}`));
    const parsed = modelListSchema.safeParse(JSON.parse(reply.body));
    if (!parsed.success) throw new ConfigError(`${endpoint.label}/models did not return a model list; ${advice}`);
    const names = parsed.data.data.map((model) => model.id);
    if (names.length === 1) return names[0]!;
    if (names.length === 0) throw new ConfigError(`${endpoint.label}/models lists no model; ${advice}`);
    throw new ConfigError(`${endpoint.label} serves ${names.length} models (${names.slice(0, 10).join(', ')}); choose one with --model-name`, true);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(redact(`cannot ask ${endpoint.label} which model it serves (${errorMessage(error)}); ${advice}`));
  } finally {
    await transport.close();
  }
}

export async function createOpenAIRunnerFromOptions(target: string, options: OpenAIOptions & CommonRunnerOptions): Promise<OpenAIRunner> {
  const endpoints = parseEndpoints(target);
  const apiKeyEnv = options.apiKeyEnv ?? DEFAULT_API_KEY_ENV;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv)) {
    throw new ConfigError(`--api-key-env takes the NAME of an environment variable (e.g. OPENAI_API_KEY), not the key itself`, true);
  }
  const apiKey = process.env[apiKeyEnv] || undefined;
  // Not named in the message: someone who typed the key itself where its variable's name belongs would
  // see it printed. Failing here also keeps the command line (which holds it) out of a run directory.
  if (options.apiKeyEnv && !apiKey) throw new ConfigError('--api-key-env: the environment variable it names is not set (give the variable\'s NAME, e.g. OPENAI_API_KEY, not the key itself)', true);
  const warnings: string[] = [];
  const concurrency = wholeNumber(options.concurrency, DEFAULT_CONCURRENCY, '--concurrency', 1, 4096);
  const requestTimeoutMs = positiveMilliseconds(options.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS, '--request-timeout');
  const retry = {
    ...DEFAULT_RETRY_POLICY,
    maxRetries: wholeNumber(options.maxRetries, DEFAULT_RETRY_POLICY.maxRetries, '--max-retries', 0, 100),
    baseDelayMs: positiveMilliseconds(options.retryDelayMs, DEFAULT_RETRY_POLICY.baseDelayMs, '--retry-delay'),
  };
  const extraBody = validateExtraBody(options.extraBody ?? {});
  const imageSize = options.imageSize === undefined ? undefined : wholeNumber(options.imageSize, 0, 'image size', 1, 8192);
  if ((options.numBeams ?? 1) > 1 && !requestsBeamSearch(extraBody)) {
    warnings.push(
      `the protocol asks for ${options.numBeams} beams, but the OpenAI chat API has no beam search: requests decode greedily unless --extra-body switches the server's own on (vLLM: '{"use_beam_search": true, "best_of": ${options.numBeams}}')`,
    );
  }
  const redact = createRedactor([apiKey]);
  const headers: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const modelName = options.modelName ?? (await discoverModelName(endpoints[0]!, headers, Math.min(requestTimeoutMs, 30_000), redact));
  return createOpenAIRunner({
    endpoints,
    modelName,
    apiKey,
    apiKeyEnv,
    concurrency,
    requestTimeoutMs,
    retry,
    extraBody,
    imageSize,
    warnings,
    ...(options.params ? { params: { total: options.params, source: 'declared' as const } } : {}),
  });
}
