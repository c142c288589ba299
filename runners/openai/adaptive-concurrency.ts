// How many requests may be in flight at once, adapted to the server the way TCP adapts to a network
// (AIMD): a rate limit (429, 503, timeout) halves the limit, latency rising well above its long-run
// level shrinks it a little, and a full window of clean successes grows it by one, up to the ceiling
// the user set with --concurrency. The limit starts at that ceiling: the user asked for it, and a
// served model with continuous batching is usually happiest there.

import { whenAborted } from './abort-watch.js';

export type AttemptOutcome =
  /** A response arrived; its latency feeds the congestion signal. */
  | { kind: 'success'; latencyMs: number }
  /** The server said it is overloaded (429, 503) or did not answer in time. */
  | { kind: 'overload' }
  /** Anything else (500, connection reset, bad body): says nothing about load. */
  | { kind: 'failure' };

export interface AdaptiveConcurrencyOptions {
  max: number;
  min?: number;
  /** Short-run latency above this multiple of the long-run latency counts as congestion. */
  latencyTolerance?: number;
  /** Successes needed before latency is trusted as a signal. */
  latencyWarmup?: number;
  /**
   * A rise smaller than this is never congestion: against a fast local server, latency doubling from
   * 5 to 10 ms is our own event loop, not a queue on the GPU.
   */
  minimumLatencyRiseMs?: number;
}

export interface Permit {
  release(outcome: AttemptOutcome): void;
}

export interface ConcurrencyStats {
  limit: number;
  max: number;
  inFlight: number;
  waiting: number;
  decreases: number;
  increases: number;
}

const OVERLOAD_FACTOR = 0.5;
const LATENCY_FACTOR = 0.9;
const SHORT_SMOOTHING = 0.1;
const LONG_SMOOTHING = 0.01;

export class AdaptiveConcurrency {
  private limit: number;
  private inFlight = 0;
  private readonly waiting: Array<{ grant: () => void }> = [];
  private lastDecreaseAt = -Infinity;
  private successesSinceChange = 0;
  private shortLatency = 0;
  private longLatency = 0;
  private latencySamples = 0;
  private decreases = 0;
  private increases = 0;
  private readonly min: number;
  private readonly tolerance: number;
  private readonly warmup: number;
  private readonly minimumRise: number;

  constructor(private readonly options: AdaptiveConcurrencyOptions) {
    this.min = Math.max(1, Math.min(options.min ?? 1, options.max));
    this.limit = options.max;
    this.tolerance = options.latencyTolerance ?? 2;
    this.warmup = options.latencyWarmup ?? 50;
    this.minimumRise = options.minimumLatencyRiseMs ?? 50;
  }

  /**
   * Waits for a free slot. `urgent` (a retry) goes to the front of the queue: it has waited already.
   * Rejects when the run is interrupted before a slot frees up.
   */
  acquire(signal: AbortSignal, urgent = false): Promise<Permit> {
    if (signal.aborted) return Promise.reject(new Error('interrupted'));
    if (this.inFlight < Math.floor(this.limit) && this.waiting.length === 0) return Promise.resolve(this.grant());
    return new Promise<Permit>((resolve, reject) => {
      const entry = {
        grant: () => {
          stopWatching();
          resolve(this.grant());
        },
      };
      const stopWatching = whenAborted(signal, () => {
        const index = this.waiting.indexOf(entry);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(new Error('interrupted'));
      });
      if (urgent) this.waiting.unshift(entry);
      else this.waiting.push(entry);
    });
  }

  stats(): ConcurrencyStats {
    return { limit: Math.floor(this.limit), max: this.options.max, inFlight: this.inFlight, waiting: this.waiting.length, decreases: this.decreases, increases: this.increases };
  }

  private grant(): Permit {
    this.inFlight += 1;
    const startedAt = performance.now();
    let released = false;
    return {
      release: (outcome) => {
        if (released) return;
        released = true;
        this.inFlight -= 1;
        this.observe(outcome, startedAt);
        this.wakeWaiters();
      },
    };
  }

  private observe(outcome: AttemptOutcome, startedAt: number): void {
    // A request sent before the last cut reflects the old limit; reacting to it again would cut twice
    // for one congestion event.
    const sentBeforeLastCut = startedAt < this.lastDecreaseAt;
    if (outcome.kind === 'overload') {
      if (!sentBeforeLastCut) this.decrease(OVERLOAD_FACTOR);
      return;
    }
    if (outcome.kind === 'failure') return;
    this.recordLatency(outcome.latencyMs);
    const congested =
      this.latencySamples >= this.warmup && this.shortLatency > this.tolerance * this.longLatency && this.shortLatency - this.longLatency > this.minimumRise;
    if (congested) {
      if (!sentBeforeLastCut) this.decrease(LATENCY_FACTOR);
      return;
    }
    this.successesSinceChange += 1;
    if (this.limit < this.options.max && this.successesSinceChange >= Math.floor(this.limit)) {
      this.limit = Math.min(this.options.max, Math.floor(this.limit) + 1);
      this.successesSinceChange = 0;
      this.increases += 1;
    }
  }

  private recordLatency(latencyMs: number): void {
    if (this.latencySamples === 0) {
      this.shortLatency = latencyMs;
      this.longLatency = latencyMs;
    } else {
      this.shortLatency += SHORT_SMOOTHING * (latencyMs - this.shortLatency);
      this.longLatency += LONG_SMOOTHING * (latencyMs - this.longLatency);
    }
    this.latencySamples += 1;
  }

  private decrease(factor: number): void {
    const next = Math.max(this.min, Math.floor(this.limit * factor));
    this.lastDecreaseAt = performance.now();
    this.successesSinceChange = 0;
    if (next < this.limit) {
      this.limit = next;
      this.decreases += 1;
    }
  }

  private wakeWaiters(): void {
    while (this.waiting.length > 0 && this.inFlight < Math.floor(this.limit)) this.waiting.shift()!.grant();
  }
}
