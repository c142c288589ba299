import { errorMessage } from '../core/errors.js';
import type { LoglikOutput, LoglikRequest, Output, Request, Runner } from '../core/contracts/runner.js';

export type PrepareRequest = (request: Request) => Promise<Request>;

/**
 * Runs a per-request preparation step (e.g. sampling video frames) before the model call. A request
 * whose preparation fails — a corrupt video, a file outside the data root — becomes the failure the
 * caller makes of its message; the rest of the batch still goes to the model.
 */
async function callPrepared<T>(
  requests: Request[],
  prepare: PrepareRequest | undefined,
  call: (ready: Request[]) => Promise<T[]>,
  failure: (error: string, latencyMs: number) => T,
): Promise<T[]> {
  if (!prepare) return call(requests);
  const prepared = await Promise.all(
    requests.map(async (request) => {
      const started = performance.now();
      try {
        return { request: await prepare(request) };
      } catch (error) {
        return { failure: failure(errorMessage(error), performance.now() - started) };
      }
    }),
  );
  const ready = prepared.flatMap((entry) => (entry.request ? [entry.request] : []));
  const results = ready.length > 0 ? await call(ready) : [];
  let next = 0;
  return prepared.map((entry) => (entry.request ? results[next++]! : entry.failure!));
}

export function generatePrepared(runner: Runner, requests: Request[], prepare: PrepareRequest | undefined, signal: AbortSignal): Promise<Output[]> {
  return callPrepared(requests, prepare, (ready) => runner.generate(ready, signal), (error, latencyMs): Output => ({ text: '', finishReason: 'error', error, latencyMs }));
}

/** The `loglik` request kind: the prompt as built for generation, plus each request's continuations. */
export function scorePrepared(
  runner: Runner,
  requests: Request[],
  continuations: ReadonlyMap<string, string[]>,
  prepare: PrepareRequest | undefined,
  signal: AbortSignal,
): Promise<LoglikOutput[]> {
  const score = runner.scoreContinuations?.bind(runner);
  if (!score) throw new Error(`runner ${runner.id} cannot score continuations`);
  const toLoglik = (request: Request): LoglikRequest => ({
    sampleId: request.sampleId,
    parts: request.parts,
    ...(request.system !== undefined ? { system: request.system } : {}),
    continuations: continuations.get(request.sampleId)!,
  });
  return callPrepared(requests, prepare, (ready) => score(ready.map(toLoglik), signal), (error, latencyMs): LoglikOutput => ({ logprobs: [], tokens: [], error, latencyMs }));
}
