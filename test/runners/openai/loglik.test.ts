import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { LoglikRequest } from '../../../core/contracts/runner.js';
import { RunnerError } from '../../../core/errors.js';
import { parseEndpoints } from '../../../runners/openai/endpoints.js';
import { parsePromptLogprobs } from '../../../runners/openai/loglik-response.js';
import { createOpenAIRunner } from '../../../runners/openai/openai-runner.js';
import { bundledDataDir, getTask } from '../../../tasks/registry.js';
import { defaultTokenLogprob, startOpenAITestServer, testServerTokens, type TestServerOptions } from '../../helpers/openai-test-server.js';

const root = bundledDataDir(getTask('vqav2'));
const imageFolder = path.join(root, 'val2014');
const image = path.join(imageFolder, readdirSync(imageFolder).find((name) => name.endsWith('.jpg'))!);
const running = () => new AbortController().signal;
const fastRetries = { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2000 };

const request: LoglikRequest = {
  sampleId: 'meme-1',
  parts: [
    { type: 'image', source: { kind: 'image', path: image, root } },
    { type: 'text', text: "is an image with: 'look at them' written on it. Is it hateful? Answer:" },
  ],
  continuations: ['yes', 'no way'],
};

async function withRunner(options: TestServerOptions, body: (server: Awaited<ReturnType<typeof startOpenAITestServer>>, runner: ReturnType<typeof createOpenAIRunner>) => Promise<void>) {
  const server = await startOpenAITestServer(options);
  const runner = createOpenAIRunner({ endpoints: parseEndpoints(server.url), modelName: 'test-model', concurrency: 4, requestTimeoutMs: 2000, retry: fastRetries });
  try {
    await body(server, runner);
  } finally {
    await runner.close();
    await server.close();
  }
}

/** What the test server's tokens say the continuation should score: its trailing tokens' sum. */
function expectedScore(continuation: string, count: number): number {
  const tokens = testServerTokens({ messages: [{ role: 'user', content: request.parts.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('') }, { role: 'assistant', content: continuation }] });
  let sum = 0;
  for (let index = tokens.length - count; index < tokens.length; index++) sum += defaultTokenLogprob(tokens.slice(0, index).join(''), tokens[index]!);
  return sum;
}

test('each continuation is the open assistant message; its trailing prompt tokens are summed', async () => {
  await withRunner({}, async (server, runner) => {
    const [output] = await runner.scoreContinuations!([request], running());
    assert.equal(output.error, undefined);
    assert.deepEqual(output.tokens, [1, 2]);
    assert.ok(Math.abs(output.logprobs[0] - expectedScore('yes', 1)) < 1e-12);
    assert.ok(Math.abs(output.logprobs[1] - expectedScore('no way', 2)) < 1e-12);
    assert.equal(server.calls.length, 2);
    const body = server.calls[0]!.body;
    assert.equal(body.continue_final_message, true);
    assert.equal(body.add_generation_prompt, false);
    assert.equal(body.prompt_logprobs, 0);
    assert.equal(body.max_tokens, 1);
    assert.deepEqual(body.messages.at(-1), { role: 'assistant', content: body.messages.at(-1).content });
    assert.equal(server.calls[0]!.images.length, 1, 'the image travels with the prompt');
  });
});

test('a transient fault is retried like a generation request', async () => {
  await withRunner({ fault: (call) => (call.attempt === 1 ? { kind: 'status', status: 503 } : undefined) }, async (server, runner) => {
    const [output] = await runner.scoreContinuations!([request], running());
    assert.equal(output.error, undefined);
    assert.equal(output.logprobs.length, 2);
    assert.equal(server.calls.length, 4);
  });
});

test('a server that returns no prompt log-probabilities stops the run with a message saying so', async () => {
  await withRunner({ noPromptLogprobs: true }, async (_server, runner) => {
    await assert.rejects(runner.scoreContinuations!([request], running()), (error: unknown) => {
      assert.ok(error instanceof RunnerError);
      assert.match(error.message, /returned no prompt_logprobs: scoring continuations \(the loglik request kind\) needs a server .* as vLLM does$/);
      return true;
    });
  });
});

test('responses that cannot be read are named precisely', () => {
  const entry = (token: string, logprob: number) => ({ [String(token.length)]: { logprob, rank: 1, decoded_token: token } });
  const body = (entries: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ choices: [], prompt_logprobs: entries, ...extra });
  assert.deepEqual(parsePromptLogprobs(body([null, entry('Answer', -1), entry(':', -2), entry(' yes', -0.5)]), 'srv', 'yes'), { logprob: -0.5, tokens: 1 });
  assert.deepEqual(parsePromptLogprobs(body([null, entry('Answer', -1), entry(':', -2), entry(' y', -0.5), entry('es', -0.25)]), 'srv', 'yes'), { logprob: -0.75, tokens: 2 });
  const twoEntries = { '5': { logprob: -1, decoded_token: ' yes' }, '9': { logprob: -3, decoded_token: ' no' } };
  assert.throws(() => parsePromptLogprobs(body([null, twoEntries]), 'srv', 'yes'), /prompt_logprobs\[1\] holds 2 tokens and no prompt_token_ids say which/);
  assert.deepEqual(parsePromptLogprobs(body([null, twoEntries], { prompt_token_ids: [1, 9] }), 'srv', 'no'), { logprob: -3, tokens: 1 });
  assert.throws(() => parsePromptLogprobs(body([null, entry(' yes', -1), entry('</s>', -2)]), 'srv', 'yes'), /the prompt does not end with the continuation "yes" .*continue_final_message/);
  assert.throws(() => parsePromptLogprobs(body([null, { '3': { logprob: 'high' } }]), 'srv', 'yes'), /srv: server response prompt_logprobs\[1\]\.3\.logprob: .*expected number/);
  assert.throws(() => parsePromptLogprobs('{"prompt_logprobs": [', 'srv', 'yes'), /srv returned malformed JSON/);
});
