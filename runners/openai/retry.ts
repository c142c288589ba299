// The one retry policy of the OpenAI runner: which failures are worth another attempt, how long to wait
// before it (exponential backoff with jitter, or what the server asked for in Retry-After), and how
// many attempts a request gets before it becomes an error sample.
import { whenAborted } from './abort-watch.js';

export interface RetryPolicy {
  /** Attempts after the first; a request is tried at most maxRetries + 1 times. */
  maxRetries: number;
  /** Backoff before the first retry; each later one doubles, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server asking for a longer pause than this gets this; an unbounded wait would hang the run. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 6, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000 };

/** Request timeout, conflict, rate limit and every server error are transient; other 4xx are not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

type HeaderValue = string | string[] | undefined;

function firstValue(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The pause a server asked for, in milliseconds: `retry-after-ms` (OpenAI's own header) first, then
 * `Retry-After` as seconds or as an HTTP date. Unparseable or negative values count as absent.
 */
export function parseRetryAfter(headers: Record<string, HeaderValue>, nowMs = Date.now()): number | undefined {
  const milliseconds = firstValue(headers['retry-after-ms']);
  if (milliseconds !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(milliseconds)) return Number(milliseconds);
  const value = firstValue(headers['retry-after'])?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its weekday and month; anything else ('-1', '1.5e3') is not one.
  if (!/[a-z]{3}/i.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * Exponential backoff with "equal jitter": half of the delay is fixed and half random, so requests that
 * failed together (a server restart fails them all) come back spread out, yet never retry at once.
 */
export function backoffDelay(retryNumber: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retryNumber - 1));
  return exponential / 2 + (random() * exponential) / 2;
}

/**
 * The wait before retry number `retryNumber` (1-based). A server's Retry-After is honoured (never retried
 * earlier), plus a little jitter so every throttled request does not return in the same millisecond.
 */
export function retryDelay(retryNumber: number, retryAfterMs: number | undefined, policy: RetryPolicy, random: () => number = Math.random): number {
  if (retryAfterMs === undefined) return backoffDelay(retryNumber, policy, random);
  const jitter = random() * Math.min(policy.baseDelayMs, retryAfterMs * 0.1);
  return Math.min(policy.maxRetryAfterMs, retryAfterMs + jitter);
}

/** Sleeps unless the run is interrupted first; says whether the full pause elapsed. */
export function pauseUnlessAborted(delayMs: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      stopWatching();
      resolve(true);
    }, delayMs);
    const stopWatching = whenAborted(signal, () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}
