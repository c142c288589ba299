// Why one HTTP attempt failed, in the terms the runner acts on: retry it or not, tell the concurrency
// limiter the server is overloaded or not, abort the whole run (a wrong key or URL fails every
// request alike) or record an error sample.
import { RunnerError } from '../../core/errors.js';
import { isRetryableStatus } from './retry.js';

export type FailureKind =
  /** 429, 503: the server asks us to slow down. */
  | 'overloaded'
  /** 408, 409, other 5xx. */
  | 'server-error'
  | 'timeout'
  /** Refused, reset or closed before a full response. */
  | 'connection'
  /** 200 with a body that is not a chat completion (malformed JSON, no choices). */
  | 'bad-response'
  /** 401, 403, 404: wrong key, URL or model name; every request would fail the same way. */
  | 'misconfigured'
  /** Other 4xx: this request was refused (too long, image too large); the run goes on. */
  | 'rejected';

export class AttemptError extends RunnerError {
  override name = 'AttemptError';
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message, kind !== 'misconfigured' && kind !== 'rejected');
  }

  /** Whether this failure means the server is past its capacity (the limiter halves concurrency). */
  get overload(): boolean {
    return this.kind === 'overloaded' || this.kind === 'timeout';
  }
}

export function kindOfStatus(status: number): FailureKind {
  if (status === 429 || status === 503) return 'overloaded';
  if (isRetryableStatus(status)) return 'server-error';
  if (status === 401 || status === 403 || status === 404) return 'misconfigured';
  return 'rejected';
}

/** The human part of an error body: OpenAI `{error: {message}}`, vLLM `{message}`, FastAPI `{detail}`, TGI `{error}`. */
export function serverMessage(body: string): string {
  let message: unknown;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const error = parsed.error;
    message =
      (error && typeof error === 'object' ? (error as Record<string, unknown>).message : error) ?? parsed.message ?? parsed.detail;
    if (message !== undefined && typeof message !== 'string') message = JSON.stringify(message);
  } catch {
    message = undefined;
  }
  const text = (typeof message === 'string' && message.trim() ? message : body).replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 297)}...` : text || '(empty body)';
}
