// The API key given through the environment reaches the server and nothing else: no file the run
// writes (run.json, samples.jsonl, metrics.json, the response cache), nothing printed — not even when
// the server echoes it back in an error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli, temporaryFolder } from '../../helpers/cli.js';
import { filesUnder, readSamples, startGoldServer, vqav2Gold } from './e2e-helpers.js';

const KEY_VARIABLE = 'EMU_EVAL_TEST_SECRET_KEY';
const secret = `sk-test-${Math.random().toString(36).slice(2)}-do-not-write`;

test('the API key appears in no file the run writes and in no output, even when a server echoes it', async () => {
  const gold = await vqav2Gold();
  const server = await startGoldServer(gold, {
    // Some samples are refused with the key echoed (400: recorded as errors), some fail with it echoed
    // until retries run out (500), and one comes back with the key inside the answer itself.
    fault: (_call, sample) => (sample.index % 10 === 1 ? { kind: 'echo-authorization', status: 400 } : sample.index % 10 === 2 ? { kind: 'echo-authorization', status: 500 } : undefined),
    answer: (call, sample) => (sample.index === 3 ? `yes (${call.authorization})` : undefined),
  });
  process.env[KEY_VARIABLE] = secret;
  try {
    const out = temporaryFolder();
    const cache = temporaryFolder();
    const { code, stdout, stderr } = await runCli([
      'run', 'vqav2', '--model', `openai:${server.url}`, '--api-key-env', KEY_VARIABLE, '--out', out, '--cache-dir', cache, '--max-retries', '1', '--retry-delay', '5', '--json',
    ]);
    assert.equal(code, 0, stderr);
    assert.ok(server.calls.every((call) => call.authorization === `Bearer ${secret}`), 'the server got the key');
    const { runDirectory } = JSON.parse(stdout) as { runDirectory: string };
    const errors = readSamples(runDirectory).filter((record) => record.finishReason === 'error');
    assert.equal(errors.length, 8);
    assert.ok(errors.every((record) => record.error!.includes('Bearer [redacted]')), 'echoed keys are redacted in error samples');
    assert.ok(readSamples(runDirectory).some((record) => record.output === 'yes (Bearer [redacted])'), 'and in answers');

    const written = filesUnder(out, cache);
    assert.ok(written.some((entry) => entry.file.endsWith('run.json')) && written.some((entry) => entry.file.endsWith('.json') && entry.file.startsWith(cache)));
    for (const { file, text } of written) assert.ok(!text.includes(secret), `the key leaked into ${file}`);
    assert.ok(!stdout.includes(secret) && !stderr.includes(secret));
    const run = JSON.parse(written.find((entry) => entry.file.endsWith('run.json'))!.text);
    assert.equal(run.config.runnerOptions.apiKeyEnv, KEY_VARIABLE, 'run.json names the variable, not its value');

    // A 401 that echoes the key stops the run; its message (printed and in run.json) is redacted.
    const unauthorized = await startGoldServer(gold, { fault: () => ({ kind: 'echo-authorization', status: 401 }) });
    const failedOut = temporaryFolder();
    const failed = await runCli(['run', 'vqav2', '--model', `openai:${unauthorized.url}`, '--api-key-env', KEY_VARIABLE, '--model-name', 'test-model', '--out', failedOut, '--no-cache']);
    await unauthorized.close();
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /HTTP 401: invalid credentials: Bearer \[redacted\]; check the API key in \$EMU_EVAL_TEST_SECRET_KEY/);
    for (const { file, text } of filesUnder(failedOut)) assert.ok(!text.includes(secret), `the key leaked into ${file}`);
    assert.ok(!failed.stdout.includes(secret) && !failed.stderr.includes(secret));
  } finally {
    delete process.env[KEY_VARIABLE];
    await server.close();
  }
});

test('a key typed where its variable\'s name belongs is refused without being echoed, before any run directory exists', async () => {
  const out = temporaryFolder();
  for (const mistaken of ['sk-live-abc123-def456', 'abcdef0123456789ABCDEF']) {
    const { code, stderr } = await runCli(['run', 'vqav2', '--model', 'openai:http://127.0.0.1:9/v1', '--model-name', 'm', '--api-key-env', mistaken, '--out', out]);
    assert.equal(code, 2);
    assert.match(stderr, /--api-key-env/);
    assert.ok(!stderr.includes(mistaken));
  }
  assert.deepEqual(filesUnder(out), []);
});
