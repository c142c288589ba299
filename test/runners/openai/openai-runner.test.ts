import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseEndpoints } from '../../../runners/openai/endpoints.js';
import { createOpenAIRunner, type OpenAIRunnerSettings } from '../../../runners/openai/openai-runner.js';
import { createOpenAIRunnerFromOptions } from '../../../runners/openai/create-from-options.js';
import type { Request } from '../../../core/contracts/runner.js';
import { bundledDataDir, getTask } from '../../../tasks/registry.js';
import { startOpenAITestServer, type Fault, type TestServerOptions } from '../../helpers/openai-test-server.js';

const root = bundledDataDir(getTask('vqav2'));
const imageFolder = path.join(root, 'val2014');
const images = readdirSync(imageFolder).filter((name) => name.endsWith('.jpg'));

function requestFor(index: number): Request {
  return {
    sampleId: `q${index}`,
    parts: [
      { type: 'image', source: { kind: 'image', path: path.join(imageFolder, images[index % images.length]!), root } },
      { type: 'text', text: `question ${index}?` },
    ],
    maxNewTokens: 5,
    numBeams: 1,
    stop: ['\n'],
  };
}

const fastRetries = { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2000 };
const running = () => new AbortController().signal;

async function withServer(options: TestServerOptions, settings: Partial<OpenAIRunnerSettings>, body: (context: { server: Awaited<ReturnType<typeof startOpenAITestServer>>; runner: ReturnType<typeof createOpenAIRunner> }) => Promise<void>) {
  const server = await startOpenAITestServer({ answer: (call) => `answer to ${/question (\d+)/.exec(call.text)?.[1]}`, ...options });
  const runner = createOpenAIRunner({ endpoints: parseEndpoints(server.url), modelName: 'test-model', concurrency: 4, requestTimeoutMs: 2000, retry: fastRetries, ...settings });
  try {
    await body({ server, runner });
  } finally {
    await runner.close();
    await server.close();
  }
}

const transientFaults: Array<[string, Fault]> = [
  ['429 with retry-after-ms', { kind: 'status', status: 429, headers: { 'retry-after-ms': '30' } }],
  ['500', { kind: 'status', status: 500 }],
  ['503', { kind: 'status', status: 503 }],
  ['connection reset', { kind: 'reset' }],
  ['stalled response', { kind: 'stall' }],
  ['malformed JSON', { kind: 'malformed-json' }],
  ['empty choices', { kind: 'empty-choices' }],
];

for (const [name, fault] of transientFaults) {
  test(`${name} on the first attempt: retried, then answered`, async () => {
    await withServer({ fault: (call) => (call.attempt === 1 ? fault : undefined) }, { requestTimeoutMs: 300 }, async ({ server, runner }) => {
      const outputs = await runner.generate([requestFor(0), requestFor(1)], running());
      assert.deepEqual(
        outputs.map((output) => [output.text, output.finishReason]),
        [
          ['answer to 0', 'stop'],
          ['answer to 1', 'stop'],
        ],
      );
      assert.equal(server.calls.length, 4);
    });
  });
}

test('a fault that persists becomes an error output naming it and the attempts, never an answer', async () => {
  const faults: Fault[] = [{ kind: 'status', status: 503, message: 'engine overloaded' }, { kind: 'malformed-json' }, { kind: 'empty-choices' }, { kind: 'stall' }, { kind: 'reset' }];
  await withServer({ fault: (call) => faults[Number(/question (\d+)/.exec(call.text)![1]) % faults.length] }, { requestTimeoutMs: 200 }, async ({ server, runner }) => {
    const outputs = await runner.generate([0, 1, 2, 3, 4].map(requestFor), running());
    for (const output of outputs) {
      assert.equal(output.finishReason, 'error');
      assert.equal(output.text, '');
      assert.match(output.error!, /gave up after 4 attempts/);
    }
    assert.match(outputs[0]!.error!, /HTTP 503: engine overloaded/);
    assert.match(outputs[1]!.error!, /malformed JSON/);
    assert.match(outputs[2]!.error!, /server returned no choices/);
    assert.match(outputs[3]!.error!, /no complete response within 0\.20 s/);
    assert.match(outputs[4]!.error!, /connection failed/);
    assert.equal(server.calls.length, 5 * 4);
  });
});

test('Retry-After in seconds is honoured before the retry', async () => {
  await withServer({ fault: (call) => (call.attempt === 1 ? { kind: 'status', status: 429, headers: { 'retry-after': '1' } } : undefined) }, {}, async ({ server, runner }) => {
    const [output] = await runner.generate([requestFor(0)], running());
    assert.equal(output!.text, 'answer to 0');
    const [firstCall, retryCall] = server.calls;
    assert.ok(retryCall!.receivedAt - firstCall!.receivedAt >= 990, `retried after ${retryCall!.receivedAt - firstCall!.receivedAt} ms`);
    // The 429 halved the limit: the limiter heard the server.
    assert.equal(runner.concurrencyStats().decreases, 1);
  });
});

test('a 4xx other than 408/409/429 fails fast with the server\'s message; 401 aborts the run, key redacted', async () => {
  const apiKey = 'sk-test-0123456789abcdef';
  await withServer(
    { fault: (call) => (call.text.includes('question 0') ? { kind: 'status', status: 400, message: 'prompt is longer than the context window (4096)' } : { kind: 'echo-authorization', status: 401 }) },
    { apiKey, apiKeyEnv: 'TEST_KEY' },
    async ({ server, runner }) => {
      const [rejected] = await runner.generate([requestFor(0)], running());
      assert.equal(rejected!.finishReason, 'error');
      assert.match(rejected!.error!, /HTTP 400: prompt is longer than the context window \(4096\)/);
      assert.equal(server.calls.length, 1);
      assert.equal(server.calls[0]!.authorization, `Bearer ${apiKey}`);
      await assert.rejects(runner.generate([requestFor(1)], running()), (error: Error) => {
        assert.match(error.message, /HTTP 401: invalid credentials: Bearer \[redacted\]; check the API key in \$TEST_KEY/);
        assert.ok(!error.message.includes(apiKey));
        return true;
      });
      assert.equal(server.calls.length, 2);
    },
  );
});

test('never more requests in flight than --concurrency, and the engine is told how many to hand over', async () => {
  await withServer({ latencyMs: 20 }, { concurrency: 3 }, async ({ server, runner }) => {
    assert.equal(runner.batchSize, 1);
    assert.ok(runner.maxInFlight! > 3);
    const outputs = await runner.generate(Array.from({ length: 30 }, (_, index) => requestFor(index)), running());
    assert.ok(outputs.every((output) => output.finishReason === 'stop'));
    assert.equal(server.maxConcurrent(), 3);
  });
});

test('replicas share the load by outstanding requests; a dead replica is routed around', async () => {
  const slow = await startOpenAITestServer({ latencyMs: 60 });
  const fast = await startOpenAITestServer({ latencyMs: 5 });
  const runner = createOpenAIRunner({ endpoints: parseEndpoints(`${slow.url},${fast.url},http://127.0.0.1:1/v1`), modelName: 'test-model', concurrency: 6, requestTimeoutMs: 2000, retry: fastRetries });
  try {
    const outputs = await runner.generate(Array.from({ length: 60 }, (_, index) => requestFor(index)), running());
    assert.ok(outputs.every((output) => output.finishReason === 'stop'), JSON.stringify(outputs.find((output) => output.finishReason === 'error')));
    assert.ok(slow.calls.length > 0 && fast.calls.length > slow.calls.length, `slow ${slow.calls.length}, fast ${fast.calls.length}`);
    assert.equal(slow.calls.length + fast.calls.length, 60);
  } finally {
    await runner.close();
    await Promise.all([slow.close(), fast.close()]);
  }
});

test('Ctrl-C: requests on the server finish and are returned; those waiting for a slot come back as interrupted', async () => {
  await withServer({ latencyMs: 150 }, { concurrency: 2 }, async ({ server, runner }) => {
    const controller = new AbortController();
    const pending = runner.generate([0, 1, 2, 3, 4].map(requestFor), controller.signal);
    while (server.calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const outputs = await pending;
    const onServer = server.calls.map((call) => `answer to ${/question (\d+)/.exec(call.text)![1]}`).sort();
    assert.equal(onServer.length, 2);
    assert.deepEqual(outputs.filter((output) => output.finishReason !== 'error').map((output) => output.text).sort(), onServer);
    assert.deepEqual(outputs.filter((output) => output.finishReason === 'error').map((output) => output.error), ['interrupted', 'interrupted', 'interrupted']);
  });
});

test('without --model-name the served model is asked for; the key never reaches warnings or identity', async () => {
  const server = await startOpenAITestServer({ models: ['Emu2-Chat'] });
  process.env.EMU_EVAL_TEST_OPENAI_KEY = 'sk-runner-secret-42';
  try {
    const runner = await createOpenAIRunnerFromOptions(server.url, { apiKeyEnv: 'EMU_EVAL_TEST_OPENAI_KEY', numBeams: 5 });
    assert.equal(runner.modelId, 'Emu2-Chat');
    assert.match(runner.warnings!.join('\n'), /5 beams.*use_beam_search/);
    assert.ok(!JSON.stringify({ ...runner, generate: undefined }).includes('sk-runner-secret-42'));
    await runner.close();
    const several = await startOpenAITestServer({ models: ['a', 'b'] });
    await assert.rejects(createOpenAIRunnerFromOptions(several.url, {}), /serves 2 models \(a, b\); choose one with --model-name/);
    await several.close();
    await assert.rejects(createOpenAIRunnerFromOptions('http://127.0.0.1:1/v1', {}), /cannot ask .* which model it serves.*--model-name/);
  } finally {
    delete process.env.EMU_EVAL_TEST_OPENAI_KEY;
    await server.close();
  }
});

test('Ctrl-C: a request the server sits on is cancelled once the grace period ends', async () => {
  await withServer({ fault: () => ({ kind: 'stall' }) }, { interruptGraceMs: 100, requestTimeoutMs: 30_000 }, async ({ server, runner }) => {
    const controller = new AbortController();
    const pending = runner.generate([requestFor(0)], controller.signal);
    while (server.calls.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const interruptedAt = performance.now();
    controller.abort();
    const [output] = await pending;
    assert.equal(output!.error, 'interrupted');
    assert.ok(performance.now() - interruptedAt < 2000, 'not held for the 30 s request timeout');
  });
});
