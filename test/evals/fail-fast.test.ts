// A run whose first samples all fail with one same error stops with exit 1 and says why; differing
// errors or any success keep it going; the rerun after a fix resumes and attempts the stopped samples.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { RunnerError } from '../../core/errors.js';
import type { SampleRecord } from '../../artifact/schema.js';
import { FailFastGuard, firstWaveSize } from '../../evals/fail-fast.js';
import { runCli, temporaryFolder } from '../helpers/cli.js';
import { startOpenAITestServer } from '../helpers/openai-test-server.js';

const ok = (id: string): SampleRecord => ({ sampleId: id, finishReason: 'stop' }) as SampleRecord;
const failed = (id: string, error: string): SampleRecord => ({ sampleId: id, finishReason: 'error', error }) as SampleRecord;

function guarded(wave: number, succeededBefore = false) {
  const written: string[] = [];
  const guard = new FailFastGuard(wave, succeededBefore, (records) => written.push(...records.map((record) => record.sampleId)));
  return { guard, written };
}

describe('the fail-fast rule', () => {
  test('the first wave is the first batch, or one round of concurrent requests for one-request batches; never under 2', () => {
    assert.deepEqual([firstWaveSize(8, 2), firstWaveSize(1, 16), firstWaveSize(1, 4), firstWaveSize(1, 1), firstWaveSize(32, 1)], [8, 8, 4, 2, 32]);
  });

  test('one same error over the whole first wave stops, quoting it; the held samples are not written', () => {
    const { guard, written } = guarded(4);
    guard.accept([failed('a', 'Unknown StringValue filter: selectattr'), failed('b', 'Unknown StringValue filter: selectattr')]);
    assert.deepEqual(written, [], 'held until the wave is complete');
    assert.throws(
      () => guard.accept([failed('c', 'Unknown StringValue filter: selectattr'), failed('d', 'Unknown StringValue filter: selectattr')]),
      (error: Error) => error instanceof RunnerError && /first 4 samples all failed with the same error/.test(error.message) && /"Unknown StringValue filter: selectattr"/.test(error.message) && /run was stopped/.test(error.message),
    );
    assert.deepEqual(written, []);
    // Batches still in flight: their successes are kept, their errors dropped.
    guard.accept([failed('e', 'Unknown StringValue filter: selectattr'), ok('f')]);
    assert.deepEqual(written, ['f']);
  });

  test('differing errors, or one success, let the run go on with every record written in order', () => {
    const mixed = guarded(4);
    mixed.guard.accept([failed('a', 'cannot read image a.jpg'), failed('b', 'cannot read image b.jpg')]);
    assert.deepEqual(mixed.written, ['a', 'b']);
    for (let index = 0; index < 3; index++) mixed.guard.accept([failed(`x${index}`, 'same'), failed(`y${index}`, 'same')]);
    assert.equal(mixed.written.length, 8, 'after the first wave the guard never stops a run');

    const succeeded = guarded(4);
    succeeded.guard.accept([failed('a', 'same'), ok('b'), failed('c', 'same'), failed('d', 'same')]);
    assert.deepEqual(succeeded.written, ['a', 'b', 'c', 'd']);
  });

  test('a success in an earlier attempt of the run disarms it; a run of fewer samples than a wave decides at its end', () => {
    const resumed = guarded(2, true);
    resumed.guard.accept([failed('a', 'same'), failed('b', 'same')]);
    assert.deepEqual(resumed.written, ['a', 'b']);

    const small = guarded(8);
    small.guard.accept([failed('a', 'same'), failed('b', 'same'), failed('c', 'same')]);
    assert.throws(() => small.guard.finish(false), /first 3 samples all failed/);

    const single = guarded(8);
    single.guard.accept([failed('a', 'same')]);
    single.guard.finish(false);
    assert.deepEqual(single.written, ['a'], 'one error is not a pattern');

    const interrupted = guarded(8);
    interrupted.guard.accept([failed('a', 'same'), failed('b', 'same')]);
    interrupted.guard.finish(true);
    assert.deepEqual(interrupted.written, ['a', 'b'], 'Ctrl-C keeps what was computed');
  });
});

describe('emu-eval run against a model that fails every sample the same way', () => {
  test('exit 1 naming the error, run marked failed with nothing recorded; after the fix the same command resumes and finishes', async () => {
    let broken = true;
    const server = await startOpenAITestServer({
      fault: () => (broken ? { kind: 'status', status: 400, message: 'chat template error: Unknown StringValue filter: selectattr' } : undefined),
    });
    try {
      const out = temporaryFolder();
      const args = ['run', 'vqav2', '--model', `openai:${server.url}`, '--model-name', 'test-model', '--out', out, '--run-id', 'broken', '--no-cache', '--concurrency', '4', '--quiet'];
      const first = await runCli(args);
      assert.equal(first.code, 1, first.stdout);
      assert.match(first.stderr, /the first \d+ samples all failed with the same error and no sample of this run has succeeded/);
      assert.match(first.stderr, /Unknown StringValue filter: selectattr/);
      assert.match(first.stderr, /run was stopped/);
      assert.ok(server.calls.length < 40, `stopped early: ${server.calls.length} of 40 samples sent`);
      const runDirectory = path.join(out, 'broken');
      const run = JSON.parse(readFileSync(path.join(runDirectory, 'run.json'), 'utf8'));
      assert.equal(run.status, 'failed');
      assert.match(run.error, /Unknown StringValue filter: selectattr/);
      assert.ok(!existsSync(path.join(runDirectory, 'metrics.json')), 'no metrics for a run that computed nothing');
      const samplesFile = path.join(runDirectory, 'samples.jsonl');
      const recorded = existsSync(samplesFile) ? readFileSync(samplesFile, 'utf8').split('\n').filter(Boolean) : [];
      assert.deepEqual(recorded, [], 'no error sample stands in for a result');

      broken = false;
      const fixed = await runCli([...args, '--json']);
      assert.equal(fixed.code, 0, fixed.stderr);
      const result = JSON.parse(fixed.stdout);
      assert.equal(result.status, 'finished');
      assert.equal(result.resumed, true);
      assert.deepEqual([result.metrics[0].all.n, result.metrics[0].all.nErrors], [40, 0]);
    } finally {
      await server.close();
    }
  });

  test('errors that differ between samples (a bad input here and there) keep the run going to exit 0', async () => {
    const server = await startOpenAITestServer({
      fault: (call) => (call.index % 3 === 0 ? { kind: 'status', status: 400, message: `image ${call.index} is corrupt` } : undefined),
    });
    try {
      const out = temporaryFolder();
      const { code, stdout, stderr } = await runCli(['run', 'vqav2', '--model', `openai:${server.url}`, '--model-name', 'test-model', '--out', out, '--no-cache', '--concurrency', '4', '--json']);
      assert.equal(code, 0, stderr);
      const result = JSON.parse(stdout);
      assert.equal(result.status, 'finished');
      assert.equal(result.metrics[0].all.n, 40);
      assert.ok(result.metrics[0].all.nErrors > 0);
    } finally {
      await server.close();
    }
  });

  test('a run whose every sample failed, each with its own error, finishes with exit 1 and says so', async () => {
    const server = await startOpenAITestServer({ fault: (call) => ({ kind: 'status', status: 400, message: `request ${call.index} rejected` }) });
    try {
      const out = temporaryFolder();
      const { code, stdout, stderr } = await runCli(['run', 'vqav2', '--model', `openai:${server.url}`, '--model-name', 'test-model', '--out', out, '--no-cache', '--concurrency', '4', '--limit', '6', '--json']);
      assert.equal(code, 1, stderr);
      assert.match(stderr, /every one of the 6 samples ended in an error .*samples\.jsonl.*--retry-errors/);
      const result = JSON.parse(stdout);
      assert.equal(result.metrics[0].all.nErrors, 6);
    } finally {
      await server.close();
    }
  });
});
