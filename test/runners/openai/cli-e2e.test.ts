// `emu-eval run vqav2 --model openai:...` end to end, in-process, against the local fault-injecting
// server: through each fault the run finishes, every sample is scored or recorded as an error, and the
// ALL and VALID views are both reported.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { Fault } from '../../helpers/openai-test-server.js';
import { runCli, temporaryFolder } from '../../helpers/cli.js';
import { assertEverySampleAccounted, readSamples, sampleOf, startGoldServer, vqav2Gold } from './e2e-helpers.js';

const gold = await vqav2Gold();
// Short timeouts and backoffs keep the faults fast; the behaviour is the same at the defaults.
const fastFaultFlags = ['--request-timeout', '0.4', '--retry-delay', '5', '--concurrency', '8', '--quiet'];

/** One fault kind per sample index modulo 8; index % 8 === 7 is left healthy. */
const faultsByIndex: Array<Fault | undefined> = [
  { kind: 'status', status: 429, headers: { 'retry-after-ms': '20' } },
  { kind: 'status', status: 500 },
  { kind: 'status', status: 503 },
  { kind: 'reset' },
  { kind: 'stall' },
  { kind: 'malformed-json' },
  { kind: 'empty-choices' },
  undefined,
];

interface RunSummary {
  runDirectory: string;
  status: string;
  resumed: boolean;
  metrics: Array<{ all: { value: number; n: number; nErrors: number }; valid: { value: number; n: number; nErrors: number } }>;
}

async function runJson(args: string[]): Promise<{ code: number; result: RunSummary; stderr: string }> {
  const { code, stdout, stderr } = await runCli(['run', 'vqav2', ...args, '--json']);
  assert.equal(code, 0, stderr);
  return { code, result: JSON.parse(stdout) as RunSummary, stderr };
}

test('transient faults (429 + Retry-After, 500, 503, reset, stall, malformed JSON, empty choices) are retried: every sample scored', async () => {
  const server = await startGoldServer(gold, {
    fault: (call, sample) => {
      // One sample gets a standard Retry-After in whole seconds; the rest recover on the second or third attempt.
      if (sample.index === 15 && call.attempt === 1) return { kind: 'status', status: 429, headers: { 'retry-after': '1' } };
      if (sample.index % 8 === 4 && sample.index > 12) return call.attempt === 1 ? { kind: 'reset' } : undefined;
      return call.attempt <= 1 + (sample.index % 2) ? faultsByIndex[sample.index % 8] : undefined;
    },
  });
  try {
    const out = temporaryFolder();
    const { result } = await runJson(['--model', `openai:${server.url}`, '--model-name', 'test-model', '--out', out, '--no-cache', ...fastFaultFlags]);
    assert.equal(result.status, 'finished');
    const records = readSamples(result.runDirectory);
    assertEverySampleAccounted(records, gold);
    assert.ok(records.every((record) => record.finishReason === 'stop'));
    assert.deepEqual([result.metrics[0]!.all.value, result.metrics[0]!.valid.value, result.metrics[0]!.all.nErrors], [100, 100, 0]);
    const retried = server.calls.filter((call) => call.attempt > 1);
    assert.ok(retried.length >= 35, `${retried.length} retries`);
    const honoured = server.calls.filter((call) => sampleOf(call, gold).index === 15);
    assert.ok(honoured[1]!.receivedAt - honoured[0]!.receivedAt >= 990, 'Retry-After: 1 waited a second');
  } finally {
    await server.close();
  }
});

test('faults that persist become error samples: counted in ALL, excluded from VALID, both reported; --retry-errors redoes only them', async () => {
  let healthy = false;
  // One sample stalls (each stall costs a full timeout, and timeouts shrink the concurrency); the
  // others of its column are reset instead.
  const server = await startGoldServer(gold, {
    fault: (_call, sample) => (healthy ? undefined : sample.index % 8 === 4 && sample.index !== 4 ? { kind: 'reset' } : faultsByIndex[sample.index % 8]),
  });
  try {
    const out = temporaryFolder();
    const args = ['--model', `openai:${server.url}`, '--model-name', 'test-model', '--out', out, '--run-id', 'faults', '--no-cache', '--max-retries', '1', ...fastFaultFlags];
    const { result } = await runJson(args);
    assert.equal(result.status, 'finished');
    const records = readSamples(result.runDirectory);
    assertEverySampleAccounted(records, gold);
    const errors = records.filter((record) => record.finishReason === 'error');
    assert.equal(errors.length, 35, 'seven of every eight samples fail');
    const messages = errors.map((record) => record.error!).join('\n');
    for (const expected of [/HTTP 429/, /HTTP 500/, /HTTP 503/, /connection failed/, /no complete response within 0\.40 s/, /malformed JSON/, /server returned no choices/]) {
      assert.match(messages, expected);
    }
    assert.ok(errors.every((record) => /gave up after 2 attempts/.test(record.error!)));
    const { all, valid } = result.metrics[0]!;
    assert.deepEqual([all.n, all.nErrors, valid.n, valid.value], [40, 35, 5, 100]);
    assert.equal(all.value, 12.5);

    // The human table shows both views side by side.
    const table = await runCli(['run', 'vqav2', ...args]);
    assert.match(table.stdout, /score.*valid.*errors/);
    assert.match(table.stdout, /12\.50 .*100\.00 .*40 .*35/);

    healthy = true;
    const before = server.calls.length;
    const retried = await runJson([...args, '--retry-errors']);
    assert.equal(server.calls.length - before, 35, 'only the error samples were sent again');
    assertEverySampleAccounted(readSamples(retried.result.runDirectory), gold);
    assert.deepEqual([retried.result.metrics[0]!.all.value, retried.result.metrics[0]!.all.nErrors], [100, 0]);
  } finally {
    await server.close();
  }
});

test('Ctrl-C: in-flight results are written, exit 130, and the rerun finishes without redoing them', async () => {
  const server = await startGoldServer(gold, { latencyMs: 150 });
  try {
    const out = temporaryFolder();
    const args = ['run', 'vqav2', '--model', `openai:${server.url}`, '--model-name', 'test-model', '--out', out, '--run-id', 'interrupt', '--no-cache', '--concurrency', '4', '--quiet'];
    const running = runCli(args);
    while (server.calls.length < 6) await new Promise((resolve) => setTimeout(resolve, 5));
    process.emit('SIGINT');
    const interrupted = await running;
    assert.equal(interrupted.code, 130, interrupted.stderr);
    const written = readSamples(path.join(out, 'interrupt'));
    assert.ok(written.length >= 6 && written.length < 40, `${written.length} written`);
    assert.equal(written.length, server.calls.length, 'every request the server got was written');
    assert.ok(written.every((record) => record.finishReason === 'stop'));

    const resumed = await runCli([...args, '--json']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assertEverySampleAccounted(readSamples(path.join(out, 'interrupt')), gold);
    assert.equal(server.calls.length, 40, 'no request sent twice');
  } finally {
    await server.close();
  }
});

test('replicas by repeated --model or a comma list are one run; the response cache answers a rerun and marks it', async () => {
  const first = await startGoldServer(gold, { latencyMs: 10 });
  const second = await startGoldServer(gold, { latencyMs: 10 });
  try {
    const out = temporaryFolder();
    const cache = temporaryFolder();
    const common = ['--model-name', 'test-model', '--cache-dir', cache, '--quiet'];
    const repeated = await runJson(['--model', `openai:${first.url}`, '--model', `openai:${second.url}`, '--out', out, ...common]);
    assert.ok(first.calls.length > 0 && second.calls.length > 0, `${first.calls.length} + ${second.calls.length}`);
    assert.equal(first.calls.length + second.calls.length, 40);
    assertEverySampleAccounted(readSamples(repeated.result.runDirectory), gold);

    const commaList = await runJson(['--model', `openai:${first.url},${second.url}`, '--out', out, ...common]);
    assert.equal(commaList.result.runDirectory, repeated.result.runDirectory);
    assert.equal(commaList.result.resumed, true);

    const fresh = await runJson(['--model', `openai:${first.url},${second.url}`, '--out', temporaryFolder(), ...common]);
    assert.equal(first.calls.length + second.calls.length, 40, 'the rerun was answered from the cache');
    const cachedRecords = readSamples(fresh.result.runDirectory);
    assertEverySampleAccounted(cachedRecords, gold);
    assert.ok(cachedRecords.every((record) => record.cached === true));
    assert.ok(readSamples(repeated.result.runDirectory).every((record) => record.cached === undefined));

    await runJson(['--model', `openai:${first.url},${second.url}`, '--out', temporaryFolder(), ...common, '--no-cache']);
    assert.equal(first.calls.length + second.calls.length, 80, '--no-cache asks the servers again');
  } finally {
    await Promise.all([first.close(), second.close()]);
  }
});
