import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError } from '../../../core/errors.js';
import { withoutTsxLoader } from '../../../runners/onnx/worker-pool.js';
import { assertProvidersInstalled, executionProviders, parseDevice, resolveDevices } from '../../../runners/onnx/providers.js';
import { temporaryFolder } from './helpers.js';

describe('devices and execution providers', () => {
  test('--device parses cpu, cuda[:N] and tensorrt[:N]', () => {
    assert.deepEqual(parseDevice('cpu'), { kind: 'cpu', label: 'cpu' });
    assert.deepEqual(parseDevice('cuda'), { kind: 'cuda', deviceId: 0, label: 'cuda:0' });
    assert.deepEqual(parseDevice('cuda:3'), { kind: 'cuda', deviceId: 3, label: 'cuda:3' });
    assert.deepEqual(parseDevice('tensorrt:1'), { kind: 'tensorrt', deviceId: 1, label: 'tensorrt:1' });
    assert.throws(() => parseDevice('tpu'), (error: Error) => error instanceof ConfigError && error.usage);
    assert.throws(() => parseDevice('cpu:1'), /takes no index/);
  });

  test('--devices gives one worker per GPU', () => {
    assert.deepEqual(
      resolveDevices(undefined, ['0', '1']).map((target) => target.label),
      ['cuda:0', 'cuda:1'],
    );
    assert.deepEqual(
      resolveDevices('tensorrt', ['2', 'cuda:3']).map((target) => target.label),
      ['tensorrt:2', 'tensorrt:3'],
    );
    assert.deepEqual(resolveDevices(undefined, undefined), [{ kind: 'cpu', label: 'cpu' }]);
    assert.throws(() => resolveDevices('cpu', ['0']), /needs --device cuda or tensorrt/);
    assert.throws(() => resolveDevices('cuda', ['x']), /not a GPU index/);
  });

  test('providers per device: TensorRT with CUDA behind it, never a silent CPU fallback list', () => {
    assert.deepEqual(executionProviders(parseDevice('cpu')), ['cpu']);
    assert.deepEqual(executionProviders(parseDevice('cuda:1')), [{ name: 'cuda', deviceId: 1 }]);
    assert.deepEqual(executionProviders(parseDevice('tensorrt')), [
      { name: 'tensorrt', deviceId: 0 },
      { name: 'cuda', deviceId: 0 },
    ]);
  });

  test('missing GPU provider libraries stop the start with the install command', () => {
    const empty = temporaryFolder();
    assert.doesNotThrow(() => assertProvidersInstalled([parseDevice('cpu')], empty));
    assert.throws(
      () => assertProvidersInstalled([parseDevice('cuda:0')], empty),
      (error: Error) =>
        error instanceof ConfigError &&
        /libonnxruntime_providers_cuda\.so/.test(error.message) &&
        /ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules\/onnxruntime-node\/script\/install\.js/.test(error.message) &&
        /does not fall back to the CPU/.test(error.message),
    );
    assert.throws(() => assertProvidersInstalled([parseDevice('tensorrt')], empty), /TensorRT 10/);
  });

  test('workers drop the parent thread tsx loader flags (they register tsx themselves)', () => {
    assert.deepEqual(withoutTsxLoader(['--import', 'tsx', '--max-old-space-size=4096']), ['--max-old-space-size=4096']);
    assert.deepEqual(withoutTsxLoader(['--import=tsx', '--require', 'tsx/cjs', '--import', './other.js']), ['--import', './other.js']);
  });
});
