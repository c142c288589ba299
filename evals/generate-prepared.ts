import { errorMessage } from '../core/errors.js';
import type { Output, Request, Runner } from '../core/contracts/runner.js';

export type PrepareRequest = (request: Request) => Promise<Request>;

/**
 * Runs a per-request preparation step (e.g. sampling video frames) before the model. A request whose
 * preparation fails — a corrupt video, a file outside the data root — becomes an error sample with
 * that message; the rest of the batch still goes to the model.
 */
export async function generatePrepared(runner: Runner, requests: Request[], prepare: PrepareRequest | undefined, signal: AbortSignal): Promise<Output[]> {
  if (!prepare) return runner.generate(requests, signal);
  const prepared = await Promise.all(
    requests.map(async (request) => {
      const started = performance.now();
      try {
        return { request: await prepare(request) };
      } catch (error) {
        return { failure: { text: '', finishReason: 'error', error: errorMessage(error), latencyMs: performance.now() - started } satisfies Output };
      }
    }),
  );
  const ready = prepared.flatMap((entry) => (entry.request ? [entry.request] : []));
  const generated = ready.length > 0 ? await runner.generate(ready, signal) : [];
  let next = 0;
  return prepared.map((entry) => entry.failure ?? generated[next++]!);
}
