import assert from 'node:assert/strict';
import { test } from 'node:test';
import { modelRunnerOptions } from '../../cli/model-options.js';
import { backendFlags } from '../../runners/registry.js';
import { runCli } from '../helpers/cli.js';

test('run flags become runner options for openai models only, with the key\'s variable NAME only', () => {
  const options = modelRunnerOptions({
    model: ['openai:http://a/v1', 'openai:http://b/v1'],
    protocol: 'emu2-chat',
    'model-name': 'emu2-chat',
    'api-key-env': 'MY_KEY',
    concurrency: 32,
    'extra-body': '{"top_k": 1}',
    'request-timeout': 1.5,
    'resize-images': true,
    cache: false,
    'cache-dir': '/tmp/c',
  });
  assert.deepEqual(options, {
    modelName: 'emu2-chat',
    apiKeyEnv: 'MY_KEY',
    concurrency: 32,
    extraBody: { top_k: 1 },
    requestTimeoutMs: 1500,
    imageSize: 448,
    numBeams: 5,
    noCache: true,
    cacheDir: '/tmp/c',
  });
  assert.deepEqual(modelRunnerOptions({ model: 'tiny-emu', protocol: 'emu2', cache: true }), {});
  assert.throws(() => modelRunnerOptions({ model: 'tiny-emu', protocol: 'emu2', concurrency: 4 }), /--concurrency applies to openai/);
  assert.throws(() => modelRunnerOptions({ model: 'tiny-emu', protocol: 'emu2', cache: false }), /--no-cache/);
});

test('a backend\'s flags are refused for other models, naming the backends they belong to', () => {
  assert.throws(() => modelRunnerOptions({ model: 'openai:http://a/v1', protocol: 'emu2', device: 'cpu', threads: 2 }), /^ConfigError: --device, --threads apply to tiny-emu, onnx and hf models only$/);
  assert.throws(() => modelRunnerOptions({ model: 'replay:x.json', protocol: 'emu2', 'resize-images': true }), /--resize-images applies to openai models only/);
  assert.deepEqual(modelRunnerOptions({ model: 'replay:x.json', protocol: 'emu2', params: 7, cache: true, 'resize-images': false }), { params: 7 });
});

test('ONNX flags become options for both of its schemes; a wrong value names its flag', () => {
  const flags = { protocol: 'emu2', device: 'cuda', devices: '0, 1', dtype: 'fp16', threads: 4, params: 9 };
  const expected = { params: 9, device: 'cuda', devices: ['0', '1'], dtype: 'fp16', threads: 4 };
  assert.deepEqual(modelRunnerOptions({ ...flags, model: 'tiny-emu:large' }), expected);
  assert.deepEqual(modelRunnerOptions({ ...flags, model: 'onnx:./m' }), expected);
  assert.throws(() => modelRunnerOptions({ model: 'onnx:./m', protocol: 'emu2', threads: Number.NaN }), /^ConfigError: --threads takes a whole number greater than 0$/);
  assert.throws(() => modelRunnerOptions({ model: 'onnx:./m', protocol: 'emu2', device: ['cpu', 'cuda'] }), /^ConfigError: --device takes one value, found \["cpu","cuda"\]$/);
  assert.throws(() => modelRunnerOptions({ model: 'openai:http://a/v1', protocol: 'emu2', 'model-name': '' }), /--model-name takes one value/);
  assert.throws(() => modelRunnerOptions({ model: 'nope:x', protocol: 'emu2' }), /unknown model "nope:x"/);
});

test('--num-beams, not only the protocol, decides the beams an OpenAI run records', () => {
  assert.deepEqual(modelRunnerOptions({ model: 'openai:http://a/v1', protocol: 'emu2-chat', 'num-beams': 1 }), {});
  assert.deepEqual(modelRunnerOptions({ model: 'openai:http://a/v1', protocol: 'emu2', 'num-beams': 3 }), { numBeams: 3 });
});

test('run, run --suite and nightly offer every registered backend\'s flags', async () => {
  for (const command of ['run', 'nightly']) {
    const { code, stdout } = await runCli([command, '--help']);
    assert.equal(code, 0);
    for (const [name, { flag }] of backendFlags()) assert.match(stdout, new RegExp(`--${name}\\b[^\\n]*${flag.describe.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), `${command} --${name}`);
  }
  // nightly used to lack these: they are the OpenAI backend's, so it has them now.
  for (const name of ['retry-delay', 'resize-images', 'cache', 'cache-dir']) assert.ok(backendFlags().has(name), name);
});
