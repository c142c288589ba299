import { availableParallelism } from 'node:os';
import { Semaphore } from '../../core/semaphore.js';

// Decoding is the slow part of a video run, and each ffmpeg process already uses a few threads, so
// the number running at once is bounded here — across every concurrent prepareVideoParts call —
// while the rest wait their turn in order. Two questions about the same video asking for the same
// frames share one decode instead of racing to produce it twice.

export class DecodeQueue {
  private active = 0;
  private waitingCount = 0;
  private readonly slots: Semaphore;
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`decoder count must be a positive integer, got ${concurrency}`);
    this.slots = new Semaphore(concurrency);
  }

  /** Jobs running now (for tests and progress displays). */
  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waitingCount;
  }

  /** Runs `job` when a decoder is free; a job with the same key already queued or running is joined instead. */
  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(key);
    if (existing) return existing as Promise<T>;
    this.waitingCount++;
    // The semaphore hands a freed slot straight to the next waiter, so a newcomer can't overtake the queue.
    const result = this.slots
      .use(async () => {
        this.waitingCount--;
        this.active++;
        try {
          return await job();
        } finally {
          this.active--;
        }
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, result);
    return result;
  }
}

/**
 * `EMU_EVAL_VIDEO_DECODERS`, else half the cores (2 to 4): ffmpeg threads within a video, so a
 * few videos at once fill a machine; more only add memory and contention with the model.
 */
export function defaultDecoderCount(): number {
  const configured = Number(process.env.EMU_EVAL_VIDEO_DECODERS);
  if (Number.isInteger(configured) && configured >= 1) return configured;
  return Math.min(4, Math.max(2, Math.floor(availableParallelism() / 2)));
}
