// HTTP for the OpenAI runner: one undici keep-alive pool per replica (connections reused across
// requests, as many as the concurrency ceiling), a per-attempt deadline, and every network-level
// failure turned into an AttemptError the retry policy understands.
import type { IncomingHttpHeaders } from 'node:http';
import { Pool } from 'undici';
import { AttemptError } from './attempt-error.js';
import type { Endpoint } from './endpoints.js';

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SendOptions {
  method: 'GET' | 'POST';
  /** Appended to the endpoint's base path, e.g. `/chat/completions`. */
  path: string;
  body?: Buffer;
  headers: Record<string, string>;
  /** How long the whole exchange may take. */
  timeoutMs: number;
}

function describeNetworkError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  // undici wraps the socket's own error (ECONNRESET ...) in `cause`; the pair says what happened.
  for (let depth = 0; current instanceof Error && depth < 3; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    parts.push(code && !current.message.includes(code) ? `${code}: ${current.message}` : current.message);
    current = (current as Error & { cause?: unknown }).cause;
  }
  return parts.length > 0 ? [...new Set(parts)].join(' / ') : String(error);
}

export class HttpTransport {
  private readonly pools = new Map<string, Pool>();
  private cancelled = false;

  constructor(private readonly connectionsPerReplica: number) {}

  private poolFor(endpoint: Endpoint): Pool {
    let pool = this.pools.get(endpoint.origin);
    if (!pool) {
      pool = new Pool(endpoint.origin, { connections: this.connectionsPerReplica, pipelining: 1, headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 30_000 });
      this.pools.set(endpoint.origin, pool);
    }
    return pool;
  }

  /**
   * One attempt with a hard deadline for the whole exchange (headers and body). undici's own headers and
   * body timeouts run on a timer wheel with half-second resolution and restart with every body chunk,
   * so they are switched off in the pool and this timer is the one that counts.
   */
  async send(endpoint: Endpoint, options: SendOptions): Promise<HttpReply> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    try {
      const response = await this.poolFor(endpoint).request({
        method: options.method,
        path: `${endpoint.basePath}${options.path}`,
        headers: options.headers,
        body: options.body,
        signal: controller.signal,
      });
      const body = await response.body.text();
      return { status: response.statusCode, headers: response.headers, body };
    } catch (error) {
      if (this.cancelled) throw new AttemptError(`${endpoint.label}: request cancelled (run interrupted)`, 'connection');
      if (timedOut) throw new AttemptError(`${endpoint.label}: no complete response within ${formatSeconds(options.timeoutMs)}`, 'timeout');
      throw new AttemptError(`${endpoint.label}: connection failed (${describeNetworkError(error)})`, 'connection');
    } finally {
      clearTimeout(timer);
    }
  }

  /** Fails every request in flight at once (after Ctrl-C, once the grace period is over). */
  cancelAll(): void {
    this.cancelled = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    for (const pool of pools) void pool.destroy();
  }

  async close(): Promise<void> {
    // Called after the engine awaited every request: only idle keep-alive sockets remain.
    await Promise.all([...this.pools.values()].map((pool) => pool.destroy()));
    this.pools.clear();
  }
}

function formatSeconds(milliseconds: number): string {
  return milliseconds % 1000 === 0 ? `${milliseconds / 1000} s` : `${(milliseconds / 1000).toFixed(2)} s`;
}
