// A local OpenAI-compatible server for tests and benchmarks, on a loopback port, with injectable
// faults: an HTTP status (429 with Retry-After, 500, 503, 401 ...), a connection reset, a stalled
// response, malformed JSON, empty choices, an error that echoes the Authorization header.
// Run directly (`node --import tsx test/helpers/openai-test-server.ts --latency 200 --fast`) it prints
// one JSON line {"url": ...} and serves until killed: the HTTP benchmark runs it in its own process.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; message?: string }
  | { kind: 'reset' }
  | { kind: 'stall' }
  | { kind: 'malformed-json' }
  | { kind: 'empty-choices' }
  | { kind: 'echo-authorization'; status: number };

export interface ChatCall {
  /** Order of arrival over the server's life, from 0. */
  index: number;
  /** How many times this exact body arrived, this one included: 1 on the first attempt, 2 on the first retry. */
  attempt: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  authorization?: string;
  /** All text parts of all messages, joined. */
  text: string;
  /** data: URLs of the image parts, in order. */
  images: string[];
  /** performance.now() when the body had arrived. */
  receivedAt: number;
}

export interface TestServerOptions {
  answer?: (call: ChatCall) => string;
  fault?: (call: ChatCall) => Fault | undefined;
  latencyMs?: number | ((call: ChatCall) => number);
  models?: string[];
  /** Benchmarks: do not parse request bodies, answer every request alike (no faults, no call log). */
  fast?: boolean;
  /**
   * Log-probability of a prompt token after the text before it, for requests asking for vLLM's
   * `prompt_logprobs` (default: a deterministic pseudo-random value in [-6, -0.05) from both).
   */
  tokenLogprob?: (before: string, token: string) => number;
  /** Answer prompt_logprobs requests without them, as servers other than vLLM do. */
  noPromptLogprobs?: boolean;
}

/**
 * The test server's chat template and tokenizer: "USER: <text> ASSISTANT: <assistant text>" (images
 * dropped), split into words with their leading whitespace. With `continue_final_message` the final
 * assistant message is left open, as vLLM renders it.
 */
export function testServerTokens(body: { messages?: Array<{ role: string; content: unknown }> }): string[] {
  const rendered = (body.messages ?? [])
    .map((message) => `${message.role.toUpperCase()}: ${textAndImages({ messages: [message] }).text}`)
    .join(' ');
  return rendered.match(/\s*\S+/g) ?? [];
}

export function defaultTokenLogprob(before: string, token: string): number {
  const digest = createHash('sha256').update(before).update('\u0000').update(token).digest();
  return -0.05 - (digest.readUInt32BE(0) / 2 ** 32) * 5.95;
}

function tokenId(token: string): number {
  return createHash('sha256').update(token).digest().readUInt32BE(0) % 32_000;
}

function promptLogprobs(body: ChatCall['body'], tokenLogprob: (before: string, token: string) => number): { prompt_logprobs: unknown[]; prompt_token_ids?: number[] } {
  const tokens = testServerTokens(body);
  const entries: unknown[] = tokens.map((token, index) =>
    index === 0 ? null : { [String(tokenId(token))]: { logprob: tokenLogprob(tokens.slice(0, index).join(''), token), rank: 1, decoded_token: token } },
  );
  return { prompt_logprobs: entries, ...(body.return_token_ids ? { prompt_token_ids: tokens.map(tokenId) } : {}) };
}

export interface TestServer {
  /** Base URL, ending in /v1, as `--model openai:URL` takes it. */
  url: string;
  calls: ChatCall[];
  /** Most chat requests the server held at one time (received, not yet answered). */
  maxConcurrent(): number;
  close(): Promise<void>;
}

function completion(model: string, content: string): string {
  return JSON.stringify({
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 },
  });
}

function send(response: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  response.end(body);
}

function textAndImages(body: { messages?: Array<{ content: unknown }> }): { text: string; images: string[] } {
  const texts: string[] = [];
  const images: string[] = [];
  for (const message of body.messages ?? []) {
    if (typeof message.content === 'string') texts.push(message.content);
    else if (Array.isArray(message.content)) {
      for (const part of message.content as Array<{ type: string; text?: string; image_url?: { url: string } }>) {
        if (part.type === 'text' && part.text !== undefined) texts.push(part.text);
        if (part.type === 'image_url' && part.image_url) images.push(part.image_url.url);
      }
    }
  }
  return { text: texts.join('\n'), images };
}

export async function startOpenAITestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const models = options.models ?? ['test-model'];
  const calls: ChatCall[] = [];
  const attemptsByBody = new Map<string, number>();
  const fastReply = Buffer.from(completion(models[0]!, 'yes'));
  let index = 0;
  let active = 0;
  let mostActive = 0;

  const delayFor = (call: ChatCall | undefined): number =>
    typeof options.latencyMs === 'function' ? (call ? options.latencyMs(call) : 0) : (options.latencyMs ?? 0);
  const later = (milliseconds: number, action: () => void) => (milliseconds > 0 ? setTimeout(action, milliseconds) : action());

  function handleChat(request: IncomingMessage, response: ServerResponse, raw: string): void {
    let body: ChatCall['body'];
    try {
      body = JSON.parse(raw);
    } catch {
      send(response, 400, JSON.stringify({ error: { message: 'request body is not JSON' } }));
      return;
    }
    const fingerprint = createHash('sha1').update(raw).digest('hex');
    const attempt = (attemptsByBody.get(fingerprint) ?? 0) + 1;
    attemptsByBody.set(fingerprint, attempt);
    const call: ChatCall = { index: index++, attempt, body, authorization: request.headers.authorization, ...textAndImages(body), receivedAt: performance.now() };
    calls.push(call);
    const fault = options.fault?.(call);
    active += 1;
    mostActive = Math.max(mostActive, active);
    response.on('close', () => (active -= 1));
    later(delayFor(call), () => {
      if (!fault && body.prompt_logprobs !== undefined && !options.noPromptLogprobs) {
        const scored = { ...JSON.parse(completion(body.model, 'x')), ...promptLogprobs(body, options.tokenLogprob ?? defaultTokenLogprob) };
        return send(response, 200, JSON.stringify(scored));
      }
      if (!fault) return send(response, 200, completion(body.model, options.answer?.(call) ?? 'yes'));
      switch (fault.kind) {
        case 'status':
          return send(response, fault.status, JSON.stringify({ object: 'error', message: fault.message ?? `injected HTTP ${fault.status}` }), fault.headers);
        case 'echo-authorization':
          return send(response, fault.status, JSON.stringify({ error: { message: `invalid credentials: ${call.authorization ?? '(none)'}` } }));
        case 'reset':
          return void request.socket.destroy();
        case 'stall':
          return; // never answers; the client's timeout has to notice
        case 'malformed-json':
          return send(response, 200, '{"choices": [{"message": {"content": "ye');
        case 'empty-choices':
          return send(response, 200, JSON.stringify({ id: 'chatcmpl-test', object: 'chat.completion', choices: [] }));
      }
    });
  }

  const server = createServer((request, response) => {
    const path = request.url ?? '';
    if (request.method === 'GET' && path.endsWith('/v1/models')) {
      send(response, 200, JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model' })) }));
      return;
    }
    if (request.method !== 'POST' || !path.endsWith('/v1/chat/completions')) {
      send(response, 404, JSON.stringify({ error: { message: `no route ${request.method} ${path}` } }));
      return;
    }
    if (options.fast) {
      request.resume();
      request.on('end', () => later(delayFor(undefined), () => send(response, 200, fastReply)));
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handleChat(request, response, Buffer.concat(chunks).toString('utf8')));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    maxConcurrent: () => mostActive,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argument = (name: string) => {
    const at = process.argv.indexOf(name);
    return at >= 0 ? process.argv[at + 1] : undefined;
  };
  const server = await startOpenAITestServer({ latencyMs: Number(argument('--latency') ?? 0), fast: process.argv.includes('--fast') });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}
