// withResponseCache(runner): answers a request from disk when this exact request (same model identity,
// same prompt, same image bytes, same generation settings) was answered before, and otherwise asks the
// runner and keeps its answer. It wraps a runner and never lives inside one; error outputs are never
// stored, so a request that failed is always attempted again.
import path from 'node:path';
import { packageRoot as repositoryRoot } from '../../core/package-root.js';
import type { LoglikOutput, LoglikRequest, Output, Request, Runner } from '../../core/contracts/runner.js';
import { RequestKeyer } from './request-key.js';
import { ResponseStore, type StoredEntry } from './response-store.js';

/** `$EMU_EVAL_CACHE/responses` when that variable is set, else `<repo>/.cache/responses` (gitignored). */
export function defaultCacheDirectory(): string {
  const root = process.env.EMU_EVAL_CACHE ? path.resolve(process.env.EMU_EVAL_CACHE) : path.join(repositoryRoot, '.cache');
  return path.join(root, 'responses');
}

export interface ResponseCacheOptions {
  directory?: string;
}

export interface CacheStats {
  hits: number;
  misses: number;
  writes: number;
  writeFailures: number;
}

export interface CachedRunner extends Runner {
  cacheStats(): CacheStats;
}

/** The runner's own description, carried over to a wrapper (methods of the inner runner stay bound to it). */
function describedAs(runner: Runner): Omit<Runner, 'generate' | 'close'> {
  return {
    id: runner.id,
    modelId: runner.modelId,
    ...(runner.params ? { params: runner.params } : {}),
    ...(runner.notes ? { notes: runner.notes } : {}),
    ...(runner.warnings ? { warnings: runner.warnings } : {}),
    ...(runner.batchSize !== undefined ? { batchSize: runner.batchSize } : {}),
    ...(runner.maxInFlight !== undefined ? { maxInFlight: runner.maxInFlight } : {}),
    ...(runner.cacheIdentity ? { cacheIdentity: runner.cacheIdentity } : {}),
  };
}

export function withResponseCache(runner: Runner, options: ResponseCacheOptions = {}): Runner | CachedRunner {
  const identity = runner.cacheIdentity;
  if (!identity) {
    return {
      ...describedAs(runner),
      warnings: [...(runner.warnings ?? []), 'responses are not cached: this model configuration does not decode deterministically'],
      generate: (batch, signal) => runner.generate(batch, signal),
      ...(runner.scoreContinuations ? { scoreContinuations: (batch: LoglikRequest[], signal: AbortSignal) => runner.scoreContinuations!(batch, signal) } : {}),
      close: () => runner.close(),
    };
  }
  const store = new ResponseStore(options.directory ?? defaultCacheDirectory());
  const keyer = new RequestKeyer();
  const stats: CacheStats = { hits: 0, misses: 0, writes: 0, writeFailures: 0 };

  /**
   * Answers what the store holds and asks the runner for the rest, storing what it answers unless
   * `storable` says no (an error). A request whose key cannot be computed (an unreadable image) goes to
   * the runner, which reports the problem as that sample's error.
   */
  async function throughCache<Item, Result extends { latencyMs: number; cached?: boolean }>(
    batch: Item[],
    keyOf: (item: Item) => Promise<string>,
    fromStore: (entry: StoredEntry | undefined) => Omit<Result, 'cached'> | undefined,
    ask: (items: Item[]) => Promise<Result[]>,
    storable: (result: Result) => StoredEntry | undefined,
  ): Promise<Result[]> {
    const started = performance.now();
    const keys = await Promise.all(batch.map((item) => keyOf(item).catch(() => undefined)));
    const stored = await Promise.all(keys.map(async (key) => (key ? fromStore(await store.get(key)) : undefined)));
    const outputs = stored.map((hit) => (hit ? ({ ...hit, latencyMs: performance.now() - started, cached: true } as unknown as Result) : undefined));
    const missing = outputs.flatMap((output, index) => (output ? [] : [index]));
    stats.hits += batch.length - missing.length;
    stats.misses += missing.length;
    if (missing.length > 0) {
      const fresh = await ask(missing.map((index) => batch[index]!));
      await Promise.all(
        missing.map(async (index, position) => {
          const output = fresh[position]!;
          outputs[index] = output;
          const key = keys[index];
          const entry = storable(output);
          if (!key || !entry) return;
          try {
            await store.put(key, entry);
            stats.writes += 1;
          } catch {
            // A full or read-only disk costs the cache, not the run.
            stats.writeFailures += 1;
          }
        }),
      );
    }
    return outputs as Result[];
  }

  const generate = (batch: Request[], signal: AbortSignal): Promise<Output[]> =>
    throughCache(
      batch,
      (request) => keyer.keyOf(request, identity!),
      (entry) => (entry && 'text' in entry ? entry : undefined),
      (requests) => runner.generate(requests, signal),
      (output) =>
        output.finishReason === 'error' ? undefined : { text: output.text, finishReason: output.finishReason, latencyMs: output.latencyMs, ...(output.tokens !== undefined ? { tokens: output.tokens } : {}) },
    );

  /** The same for scores, keyed apart from generation; an output with an error is never stored. */
  const scoreContinuations = (batch: LoglikRequest[], signal: AbortSignal): Promise<LoglikOutput[]> =>
    throughCache(
      batch,
      (request) => keyer.loglikKeyOf(request, identity!),
      (entry) => (entry && 'logprobs' in entry ? entry : undefined),
      (requests) => runner.scoreContinuations!(requests, signal),
      (output) => (output.error !== undefined ? undefined : { logprobs: output.logprobs, tokens: output.tokens, latencyMs: output.latencyMs }),
    );

  return {
    ...describedAs(runner),
    generate,
    ...(runner.scoreContinuations ? { scoreContinuations } : {}),
    cacheStats: () => ({ ...stats }),
    close: () => runner.close(),
  };
}
