// `openai:URL[,URL...]`: a model behind an OpenAI-compatible server. Its flags become options here
// (seconds → milliseconds, JSON → object, the protocol's image size); the HTTP client and the response
// cache load only when a runner is created. Only the NAME of the API key's variable becomes an option.
import path from 'node:path';
import { z } from 'zod';
import { aCount, aNumber, aSwitch, oneValue, parseFlags } from '../../core/flags.js';
import type { Backend, BackendFlag } from '../../core/contracts/runner.js';
import type { OpenAIOptions } from './create-from-options.js';
import { parseExtraBody } from './extra-body.js';

const flags = {
  'model-name': { type: 'string', describe: 'OpenAI: the served model\'s name (default: the one model the server lists at /models)' },
  'api-key-env': { type: 'string', describe: 'OpenAI: NAME of the environment variable holding the API key (default OPENAI_API_KEY; unset is fine for a local server)' },
  concurrency: { type: 'number', describe: 'OpenAI: most requests in flight across all replicas (default 64); lowered on 429s and rising latency, raised again on sustained success' },
  'extra-body': { type: 'string', describe: 'OpenAI: JSON object of server-specific request fields, e.g. \'{"use_beam_search": true, "best_of": 5}\' for vLLM' },
  'request-timeout': { type: 'number', describe: 'OpenAI: seconds one attempt may take (default 120)' },
  'max-retries': { type: 'number', describe: 'OpenAI: retries of a request on 408/409/429/5xx, timeouts and dropped connections (default 6)' },
  'retry-delay': { type: 'number', describe: 'OpenAI: milliseconds before the first retry, doubling each time, with jitter (default 500); Retry-After wins' },
  'resize-images': { type: 'boolean', describe: 'OpenAI: send images as square JPEGs at the protocol\'s resolution (emu2: 448) instead of the original bytes' },
  cache: { type: 'boolean', default: true, describe: 'OpenAI: answer identical deterministic requests from the response cache (--no-cache: always ask the server)' },
  'cache-dir': { type: 'string', describe: 'OpenAI: response cache folder (default $EMU_EVAL_CACHE/responses or <repo>/.cache/responses)' },
} satisfies Record<string, BackendFlag>;

const flagsSchema = z.object({
  'model-name': oneValue.optional(),
  'api-key-env': oneValue.optional(),
  concurrency: aCount.optional(),
  'extra-body': oneValue.optional(),
  'request-timeout': aNumber.optional(),
  'max-retries': aNumber.optional(),
  'retry-delay': aNumber.optional(),
  'resize-images': aSwitch.optional(),
  cache: aSwitch.optional(),
  'cache-dir': oneValue.optional(),
});

export const openAIBackend: Backend<OpenAIOptions> = {
  scheme: 'openai',
  usage: 'openai:URL[,URL...]  an OpenAI-compatible server (vLLM, SGLang, LMDeploy, TGI) at its base URL, e.g. http://127.0.0.1:8000/v1; several URLs = replicas',
  flags,
  // Ranges (concurrency 1..4096 ...) are checked where the runner is built, for every caller.
  parseOptions(given, protocol) {
    const parsed = parseFlags(flagsSchema, given);
    const timeoutSeconds = parsed['request-timeout'];
    return {
      ...(parsed['model-name'] ? { modelName: parsed['model-name'] } : {}),
      ...(parsed['api-key-env'] ? { apiKeyEnv: parsed['api-key-env'] } : {}),
      ...(parsed.concurrency !== undefined ? { concurrency: parsed.concurrency } : {}),
      ...(parsed['extra-body'] ? { extraBody: parseExtraBody(parsed['extra-body']) } : {}),
      ...(timeoutSeconds !== undefined ? { requestTimeoutMs: timeoutSeconds * 1000 } : {}),
      ...(parsed['max-retries'] !== undefined ? { maxRetries: parsed['max-retries'] } : {}),
      ...(parsed['retry-delay'] !== undefined ? { retryDelayMs: parsed['retry-delay'] } : {}),
      ...(parsed['resize-images'] === true ? { imageSize: protocol.imageSize } : {}),
      // Recorded so a run that cannot honour the protocol's beams says so in run.json.
      ...(protocol.numBeams > 1 ? { numBeams: protocol.numBeams } : {}),
      ...(parsed.cache === false ? { noCache: true } : {}),
      ...(parsed['cache-dir'] ? { cacheDir: parsed['cache-dir'] } : {}),
    };
  },
  // Connections, patience, caching and the key's variable change how a run goes, not its answers.
  operational: ['concurrency', 'requestTimeoutMs', 'maxRetries', 'retryDelayMs', 'noCache', 'cacheDir', 'apiKeyEnv'],
  capabilities: {},
  async create(target, options) {
    const { createOpenAIRunnerFromOptions } = await import('./create-from-options.js');
    const runner = await createOpenAIRunnerFromOptions(target, options);
    if (options.noCache) return runner;
    const { withResponseCache } = await import('../cache/response-cache.js');
    return withResponseCache(runner, { ...(options.cacheDir ? { directory: path.resolve(options.cacheDir) } : {}) });
  },
};
