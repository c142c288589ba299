// The OpenAI-compatible runner: evaluates a model served by vLLM, SGLang, LMDeploy or TGI through
// POST /chat/completions. Each request is prepared (images read and encoded) as soon as the engine
// hands it over, then waits for a concurrency slot, goes to the least-loaded replica and is retried on
// transient faults; what still fails becomes an error sample, never a wrong answer.
import { RunnerError, errorMessage } from '../../core/errors.js';
import type { LoglikOutput, LoglikRequest, Output, ParamCount, Request, Runner } from '../../core/contracts/runner.js';
import { AdaptiveConcurrency, type ConcurrencyStats, type Permit } from './adaptive-concurrency.js';
import { AttemptError, kindOfStatus, serverMessage } from './attempt-error.js';
import { buildChatBody } from './chat-request.js';
import { parseChatCompletion } from './chat-response.js';
import { buildLoglikBody } from './loglik-request.js';
import { parsePromptLogprobs } from './loglik-response.js';
import type { Endpoint } from './endpoints.js';
import { isDeterministic } from './extra-body.js';
import { HttpTransport } from './http-transport.js';
import { ImageEncoder } from './image-encoder.js';
import { createRedactor } from './redact.js';
import { ReplicaSet, type Replica } from './replica-set.js';
import { DEFAULT_RETRY_POLICY, parseRetryAfter, pauseUnlessAborted, retryDelay, type RetryPolicy } from './retry.js';

export interface OpenAIRunnerSettings {
  endpoints: Endpoint[];
  modelName: string;
  /** The key itself, read from the environment by the caller; used only in the Authorization header. */
  apiKey?: string;
  /** Name of the variable the key came from, for messages. */
  apiKeyEnv?: string;
  /** Ceiling of requests in flight across all replicas. */
  concurrency: number;
  requestTimeoutMs: number;
  retry?: RetryPolicy;
  extraBody?: Record<string, unknown>;
  /** Re-encode images to this square size; absent = original bytes. */
  imageSize?: number;
  seed?: number;
  /** After Ctrl-C, how long requests already on the server may still finish (and be recorded). */
  interruptGraceMs?: number;
  warnings?: string[];
  params?: ParamCount;
}

export interface OpenAIRunner extends Runner {
  concurrencyStats(): ConcurrencyStats;
}

const INTERRUPTED = 'interrupted';
const OUTPUT_HANDOFF_DELAY_MS = 5;

function errorOutput(message: string, latencyMs: number): Output {
  return { text: '', finishReason: 'error', error: message, latencyMs };
}

/**
 * How many requests the engine may hand over beyond the ceiling: they are prepared (images read and
 * encoded) while others run, so when a burst of responses frees many slots at once, as many requests
 * are ready to go out. A full ceiling's worth, capped to bound the memory of prepared bodies (~80 kB each).
 */
function prefetchDepth(concurrency: number): number {
  return Math.max(4, Math.min(concurrency, 512));
}

export function createOpenAIRunner(settings: OpenAIRunnerSettings): OpenAIRunner {
  const retry = settings.retry ?? DEFAULT_RETRY_POLICY;
  const extraBody = settings.extraBody ?? {};
  const graceMs = settings.interruptGraceMs ?? Math.min(settings.requestTimeoutMs, 10_000);
  const redact = createRedactor([settings.apiKey]);
  const limiter = new AdaptiveConcurrency({ max: settings.concurrency });
  const replicas = new ReplicaSet(settings.endpoints);
  const transport = new HttpTransport(settings.concurrency);
  const images = new ImageEncoder({ size: settings.imageSize });
  const chatSettings = { modelName: settings.modelName, extraBody, seed: settings.seed ?? 0 };
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}) };
  const watchedSignals = new WeakSet<AbortSignal>();

  /** After Ctrl-C, requests already on the server get `grace` to come back; then they are cancelled. */
  function cancelAfterGrace(signal: AbortSignal): void {
    if (watchedSignals.has(signal)) return;
    watchedSignals.add(signal);
    const arm = () => setTimeout(() => transport.cancelAll(), graceMs).unref();
    if (signal.aborted) arm();
    else signal.addEventListener('abort', arm, { once: true });
  }

  function misconfigurationHint(failure: AttemptError): string {
    // Not an HTTP refusal (a server that cannot answer this kind of request): the message says it all.
    if (failure.status === undefined) return '';
    if (failure.status === 401 || failure.status === 403) {
      return settings.apiKey
        ? `; check the API key in $${settings.apiKeyEnv ?? 'OPENAI_API_KEY'}`
        : `; the server wants an API key: set it in $${settings.apiKeyEnv ?? 'OPENAI_API_KEY'} (or name another variable with --api-key-env)`;
    }
    return `; check the base URL (usually ending in /v1) and --model-name "${settings.modelName}"`;
  }

  /** One attempt on one replica: the parsed answer, or the AttemptError saying why not. */
  async function attemptOnce<Result>(replica: Replica, body: Buffer, parse: (body: string, origin: string) => Result): Promise<{ result: Result } | { failure: AttemptError }> {
    replicas.begin(replica);
    let connected = false;
    try {
      const reply = await transport.send(replica.endpoint, { method: 'POST', path: '/chat/completions', body, headers, timeoutMs: settings.requestTimeoutMs });
      connected = true;
      if (reply.status >= 200 && reply.status < 300) return { result: parse(reply.body, replica.endpoint.label) };
      const kind = kindOfStatus(reply.status);
      return { failure: new AttemptError(`${replica.endpoint.label} answered HTTP ${reply.status}: ${serverMessage(reply.body)}`, kind, reply.status, parseRetryAfter(reply.headers)) };
    } catch (error) {
      return { failure: error instanceof AttemptError ? error : new AttemptError(`${replica.endpoint.label}: ${errorMessage(error)}`, 'connection') };
    } finally {
      replicas.end(replica, connected);
    }
  }

  /**
   * One request through the concurrency limit, the least-loaded replica and the retry policy: the parsed
   * answer, or the message saying why there is none (a server fault after its retries, or Ctrl-C).
   */
  async function exchange<Result>(prepare: () => Promise<Buffer>, parse: (body: string, origin: string) => Result, signal: AbortSignal): Promise<{ result: Result; latencyMs: number } | { error: string; latencyMs: number }> {
    // Latency counts from the first send (retries and their pauses included), not from the wait for a
    // slot: a request handed over early to be prepared ahead should not look slow for it.
    let started = performance.now();
    let sent = false;
    const failed = (error: string) => ({ error, latencyMs: performance.now() - started });
    let body: Buffer;
    try {
      body = await prepare();
    } catch (error) {
      return failed(`cannot prepare the request: ${redact(errorMessage(error))}`);
    }
    cancelAfterGrace(signal);
    let avoid: Replica | undefined;
    for (let attempt = 1; ; attempt += 1) {
      let permit: Permit;
      try {
        permit = await limiter.acquire(signal, attempt > 1);
      } catch {
        return failed(INTERRUPTED);
      }
      const attemptStarted = performance.now();
      if (!sent) {
        sent = true;
        started = attemptStarted;
      }
      const replica = replicas.pick(avoid);
      const outcome = await attemptOnce(replica, body, parse);
      if ('result' in outcome) {
        permit.release({ kind: 'success', latencyMs: performance.now() - attemptStarted });
        const latencyMs = performance.now() - started;
        // The release above sent the next waiting request. Handing the output back a moment later lets
        // the other responses that arrived together be read, and their slots refilled, before the engine
        // scores and writes any of them: the server does not idle while we do our bookkeeping. Measured
        // (bench/http.ts, 200 ms server): a few percent of throughput over returning at once.
        // With one request in flight nothing else can arrive meanwhile.
        if (settings.concurrency > 1) await new Promise((resolve) => setTimeout(resolve, OUTPUT_HANDOFF_DELAY_MS));
        return { result: outcome.result, latencyMs };
      }
      const failure = outcome.failure;
      permit.release(failure.overload ? { kind: 'overload' } : { kind: 'failure' });
      // Cut short by Ctrl-C: not a result; the engine leaves it for the resumed run.
      if (signal.aborted) return failed(INTERRUPTED);
      const message = redact(failure.message);
      if (failure.kind === 'misconfigured') throw new RunnerError(`${message}${misconfigurationHint(failure)}`, false);
      if (!failure.retryable) return failed(message);
      if (attempt > retry.maxRetries) return failed(`${message} (gave up after ${attempt} attempts)`);
      avoid = failure.kind === 'connection' || failure.kind === 'timeout' ? replica : undefined;
      if (!(await pauseUnlessAborted(retryDelay(attempt, failure.retryAfterMs, retry), signal))) return failed(INTERRUPTED);
    }
  }

  async function complete(request: Request, signal: AbortSignal): Promise<Output> {
    const outcome = await exchange(() => buildChatBody(request, chatSettings, images), parseChatCompletion, signal);
    if ('error' in outcome) return errorOutput(outcome.error, outcome.latencyMs);
    return { ...outcome.result, text: redact(outcome.result.text), latencyMs: outcome.latencyMs };
  }

  /** One request per continuation (it is the assistant message the server scores); all in flight at once. */
  async function score(request: LoglikRequest, signal: AbortSignal): Promise<LoglikOutput> {
    const outcomes = await Promise.all(
      request.continuations.map((continuation) =>
        exchange(() => buildLoglikBody(request, continuation, chatSettings, images), (body, origin) => parsePromptLogprobs(body, origin, continuation), signal),
      ),
    );
    const latencyMs = Math.max(0, ...outcomes.map((outcome) => outcome.latencyMs));
    const failure = outcomes.find((outcome) => 'error' in outcome);
    if (failure && 'error' in failure) return { logprobs: [], tokens: [], error: failure.error, latencyMs };
    if (request.continuations.length === 0) return { logprobs: [], tokens: [], error: 'the request has no continuations to score', latencyMs };
    const scored = outcomes.map((outcome) => ('result' in outcome ? outcome.result : { logprob: Number.NaN, tokens: 0 }));
    return { logprobs: scored.map((entry) => entry.logprob), tokens: scored.map((entry) => entry.tokens), latencyMs };
  }

  return {
    id: 'openai',
    modelId: settings.modelName,
    ...(settings.params ? { params: settings.params } : {}),
    warnings: settings.warnings ?? [],
    batchSize: 1,
    maxInFlight: settings.concurrency + prefetchDepth(settings.concurrency),
    ...(isDeterministic(extraBody)
      ? { cacheIdentity: { api: 'openai-chat-completions', modelName: settings.modelName, extraBody, imageSize: settings.imageSize ?? 'original', seed: chatSettings.seed } }
      : {}),
    generate(batch: Request[], signal: AbortSignal): Promise<Output[]> {
      return Promise.all(batch.map((request) => complete(request, signal)));
    },
    scoreContinuations(batch: LoglikRequest[], signal: AbortSignal): Promise<LoglikOutput[]> {
      return Promise.all(batch.map((request) => score(request, signal)));
    },
    concurrencyStats: () => limiter.stats(),
    close: () => transport.close(),
  };
}
