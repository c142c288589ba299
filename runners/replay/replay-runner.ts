import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { readPredictions } from '../../artifact/predictions.js';
import type { Output, Request, Runner } from '../../core/contracts/runner.js';

/** `FILE` or `FILE?latency=MS`: the latency simulates a served model (pipelines, resume and kill tests). */
export function parseReplayTarget(target: string): { file: string; latencyMs: number } {
  const match = /^(.*)\?latency=(\d+)$/.exec(target);
  if (!match) return { file: target, latencyMs: 0 };
  const latencyMs = Number(match[2]);
  if (latencyMs > 60_000) throw new ConfigError(`replay latency ${latencyMs} ms is over a minute; that is not a simulation anyone wants`, true);
  return { file: match[1]!, latencyMs };
}

/**
 * Answers each request from a predictions file instead of a model: re-scoring published or earlier
 * predictions runs through exactly the same engine, extraction and metrics as a live model.
 */
export async function createReplayRunner(file: string, options: { task?: string; latencyMs?: number } = {}): Promise<Runner> {
  const { answers } = await readPredictions(file, options.task);
  const latencyMs = options.latencyMs ?? 0;
  return {
    id: 'replay',
    modelId: `replay:${path.basename(file)}`,
    batchSize: latencyMs > 0 ? 1 : 256,
    maxInFlight: 1,
    async generate(batch: Request[], signal: AbortSignal): Promise<Output[]> {
      if (latencyMs > 0) await sleep(latencyMs, undefined, { signal }).catch(() => {});
      return batch.map((request): Output => {
        if (signal.aborted) return { text: '', finishReason: 'error', error: 'interrupted', latencyMs };
        const answer = answers.get(request.sampleId);
        if (answer === undefined) {
          return { text: '', finishReason: 'error', error: `no prediction for question ${request.sampleId} in ${path.basename(file)}`, latencyMs };
        }
        return { text: answer, finishReason: 'stop', latencyMs };
      });
    },
    async close() {},
  };
}
