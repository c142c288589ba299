// Counting flags (--batch-size, --concurrency, --threads, --max-new-tokens, --trials, --num-beams,
// --frames, --limit, --shards) are checked the same way by every command that takes them: a usage error
// (exit 2) naming the flag and the value, before any model or data is loaded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const FLAGS = ['batch-size', 'max-new-tokens', 'num-beams', 'frames', 'trials', 'limit', 'threads'];

test('run refuses zero, negative and fractional counts, naming the flag and the value', async () => {
  for (const flag of FLAGS) {
    for (const value of ['0', '-3', '2.5']) {
      const { code, stderr } = await runCli(['run', 'vqav2', `--${flag}`, value, '--quiet']);
      assert.equal(code, 2, `--${flag} ${value}: ${stderr}`);
      assert.match(stderr, new RegExp(`--${flag} takes a whole number greater than 0, found ${value.replace('.', '\\.')}`));
    }
  }
});

test('text that is not a number and a flag given twice are refused too', async () => {
  const text = await runCli(['run', 'vqav2', '--batch-size', 'eight', '--quiet']);
  assert.equal(text.code, 2);
  assert.match(text.stderr, /--batch-size takes a whole number greater than 0, found "eight"/);
  const equals = await runCli(['run', 'vqav2', '--frames=many', '--quiet']);
  assert.equal(equals.code, 2);
  assert.match(equals.stderr, /--frames takes a whole number greater than 0, found "many"/);
  const threads = await runCli(['run', 'vqav2', '--threads', 'lots', '--quiet']);
  assert.equal(threads.code, 2);
  assert.match(threads.stderr, /--threads takes a whole number greater than 0, found "lots"/);
  const twice = await runCli(['run', 'vqav2', '--max-new-tokens', '4', '--max-new-tokens', '8', '--quiet']);
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /--max-new-tokens takes a whole number greater than 0, found \[4,8\]/);
});

test('a served model\'s --concurrency and the suite and nightly commands use the same check', async () => {
  const concurrency = await runCli(['run', 'vqav2', '--model', 'openai:http://127.0.0.1:9/v1', '--model-name', 'm', '--concurrency', '0', '--quiet']);
  assert.equal(concurrency.code, 2, concurrency.stderr);
  assert.match(concurrency.stderr, /--concurrency takes a whole number greater than 0, found 0/);
  const suite = await runCli(['run', '--suite', 'nightly', '--batch-size', '0', '--quiet']);
  assert.equal(suite.code, 2);
  assert.match(suite.stderr, /--batch-size takes a whole number greater than 0, found 0/);
  const nightly = await runCli(['nightly', '--suite', 'nightly', '--history', '/nonexistent/emu-eval-history', '--batch-size', '1.5', '--quiet']);
  assert.equal(nightly.code, 2);
  assert.match(nightly.stderr, /--batch-size takes a whole number greater than 0, found 1\.5/);
  const shards = await runCli(['run', 'vqav2', '--shard', 'auto', '--shards', '0', '--quiet']);
  assert.equal(shards.code, 2);
  assert.match(shards.stderr, /--shards takes a whole number greater than 0, found 0/);
});
