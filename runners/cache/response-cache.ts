// withResponseCache(runner): answers a request from disk when this exact request (same model identity,
// same prompt, same image bytes, same generation settings) was answered before, and otherwise asks the
// runner and keeps its answer. It wraps a runner and never lives inside one; error outputs are never
// stored, so a request that failed is always attempted again.
import path from 'node:path';
import { packageRoot as repositoryRoot } from '../../core/package-root.js';
import type { Output, Request, Runner } from '../../core/contracts/runner.js';
import { RequestKeyer } from './request-key.js';
import { ResponseStore } from './response-store.js';

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
      close: () => runner.close(),
    };
  }
  const store = new ResponseStore(options.directory ?? defaultCacheDirectory());
  const keyer = new RequestKeyer();
  const stats: CacheStats = { hits: 0, misses: 0, writes: 0, writeFailures: 0 };

  async function generate(batch: Request[], signal: AbortSignal): Promise<Output[]> {
    const started = performance.now();
    // A request whose key cannot be computed (an unreadable image) goes to the runner, which reports
    // the problem as that sample's error.
    const keys = await Promise.all(batch.map((request) => keyer.keyOf(request, identity!).catch(() => undefined)));
    const stored = await Promise.all(keys.map((key) => (key ? store.get(key) : undefined)));
    const outputs: Array<Output | undefined> = stored.map((hit) => (hit ? { ...hit, latencyMs: performance.now() - started, cached: true } : undefined));
    const missing = outputs.flatMap((output, index) => (output ? [] : [index]));
    stats.hits += batch.length - missing.length;
    stats.misses += missing.length;
    if (missing.length > 0) {
      const fresh = await runner.generate(
        missing.map((index) => batch[index]!),
        signal,
      );
      await Promise.all(
        missing.map(async (index, position) => {
          const output = fresh[position]!;
          outputs[index] = output;
          const key = keys[index];
          if (!key || output.finishReason === 'error') return;
          try {
            await store.put(key, { text: output.text, finishReason: output.finishReason, latencyMs: output.latencyMs, ...(output.tokens !== undefined ? { tokens: output.tokens } : {}) });
            stats.writes += 1;
          } catch {
            // A full or read-only disk costs the cache, not the run.
            stats.writeFailures += 1;
          }
        }),
      );
    }
    return outputs as Output[];
  }

  return { ...describedAs(runner), generate, cacheStats: () => ({ ...stats }), close: () => runner.close() };
}
