// `npm run bench -- gpu`: the dry run on CPU (tiny LLaVA config, every step of the GPU script, both decode
// routes), the measuring child's use of the runtime folder's onnxruntime-node, the node placement count,
// and the offline CUDA runtime install from vendor tarballs (here fakes with the real layout).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nodePlacement } from '../../bench/gpu.js';
import { PLACEMENT_ROUTE_MARK, type MeasureSpec } from '../../bench/gpu/measure-generation.js';
import { exportRandomModel } from '../../runners/export/random/export-random.js';
import { CUDA_LIBRARIES, findCudaLibraries, installCudaRuntime, VENDOR_PACKAGES } from '../../bench/gpu/cuda-runtime.js';
import { temporaryFolder } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function fakeTarball(vendor: string, tarball: string, files: Record<string, string>): void {
  const staging = temporaryFolder();
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
    writeFileSync(path.join(staging, file), text);
  }
  execFileSync('tar', ['-czf', path.join(vendor, tarball), '-C', staging, 'package']);
}

describe('npm run bench -- gpu', () => {
  test('--dry-run times both decode routes on CPU with the tiny config at every batch size and counts node placement', () => {
    const work = temporaryFolder();
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/index.ts', 'gpu', '--dry-run', '--work', work, '--vendor', temporaryFolder()], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /GPU decode throughput \(dry run on CPU\)/);
    assert.match(run.stdout, /ms per token = \(time for 16 new tokens − time for 8\) \/ 8/);
    const written = JSON.parse(readFileSync(path.join(ROOT, 'bench', 'out', 'gpu.json'), 'utf8'));
    assert.deepEqual(
      written.rows.map((row: Record<string, unknown>) => `${row.route} ${row.batch}`),
      ['step loop (KV cache via host) 1', 'step loop (KV cache via host) 8', 'step loop (KV cache via host) 32', 'graph decode loop 1', 'graph decode loop 8', 'graph decode loop 32'],
    );
    for (const row of written.rows) {
      assert.ok(Number(row['16 tokens ms']) > 0 && Number(row['8 tokens ms']) > 0);
      assert.ok(row['ms per token'] === 'noise' || Number(row['ms per token']) > 0);
    }
    for (const route of ['step loop (KV cache via host)', 'graph decode loop']) {
      assert.match(run.stdout, new RegExp(`${route.replace(/[()]/g, '\\$&')}: batch 32 (gives|versus)`));
      assert.match(run.stdout, new RegExp(`${route.replace(/[()]/g, '\\$&')}: nodes per execution provider .*: CPUExecutionProvider \\d+`));
    }
  });

  test('the measuring child loads onnxruntime-node from the runtime folder, for the runner code too', async () => {
    const model = path.join(temporaryFolder(), 'model');
    await exportRandomModel(path.join(ROOT, 'bench', 'configs', 'llava-tiny.json'), model, { dtype: 'fp16', attention: 'fused' });
    const runtime = temporaryFolder();
    const fake = path.join(runtime, 'node_modules', 'onnxruntime-node');
    mkdirSync(fake, { recursive: true });
    writeFileSync(path.join(fake, 'package.json'), '{"name":"onnxruntime-node","main":"index.js"}');
    const real = createRequire(path.join(ROOT, 'package.json')).resolve('onnxruntime-node');
    writeFileSync(path.join(fake, 'index.js'), `process.stderr.write('runtime from the runtime folder\\n');\nmodule.exports = require(${JSON.stringify(real)});\n`);
    const spec: MeasureSpec = { runtime, model, provider: 'cpu', mode: 'placement', routes: ['step', 'graph'], promptLength: 8, newTokens: 1, repeats: 1, batches: [1] };
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/gpu/measure-generation.ts', JSON.stringify(spec)], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr.split('\n').filter((line) => line === 'runtime from the runtime folder').length, 1);
    const placement = nodePlacement(run);
    assert.match(placement.step ?? '', /^CPUExecutionProvider \d+$/);
    assert.match(placement.graph ?? '', /^CPUExecutionProvider \d+$/);
  });

  test('node placement lines are summed per provider and route', () => {
    const stderr = [
      '2026-12-05 [V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]  All nodes placed on [CUDAExecutionProvider]. Number of nodes: 40',
      `${PLACEMENT_ROUTE_MARK}step`,
      '[V:onnxruntime:, session_state.cc:1383 VerifyEachNodeIsAssignedToAnEp]  Node(s) placed on [CUDAExecutionProvider]. Number of nodes: 300',
      '[V:onnxruntime:, session_state.cc:1383 VerifyEachNodeIsAssignedToAnEp]  Node(s) placed on [CPUExecutionProvider]. Number of nodes: 7',
      '[V:onnxruntime:, session_state.cc:1386 VerifyEachNodeIsAssignedToAnEp]   Shape (/model/Shape)',
      '[V:onnxruntime:, session_state.cc:1380 VerifyEachNodeIsAssignedToAnEp]  All nodes placed on [CUDAExecutionProvider]. Number of nodes: 12',
      `${PLACEMENT_ROUTE_MARK}graph`,
    ].join('\n');
    assert.deepEqual(nodePlacement({ stderr }), { step: 'CUDAExecutionProvider 40', graph: 'CUDAExecutionProvider 312, CPUExecutionProvider 7' });
    assert.deepEqual(nodePlacement({ stderr: `${PLACEMENT_ROUTE_MARK}step\n` }), { step: undefined });
  });

  test('the CUDA runtime installs from the vendor tarballs, once, with the provider beside libonnxruntime', () => {
    const vendor = temporaryFolder();
    const binding = 'package/bin/napi-v6/linux/x64';
    fakeTarball(vendor, VENDOR_PACKAGES[0].tarball, { 'package/package.json': '{"name":"onnxruntime-node"}', [`${binding}/libonnxruntime.so.1`]: 'core' });
    fakeTarball(vendor, VENDOR_PACKAGES[1].tarball, { 'package/package.json': '{"name":"onnxruntime-common"}' });
    fakeTarball(vendor, VENDOR_PACKAGES[2].tarball, {
      'package/Plugins/Linux/x64/libonnxruntime_providers_cuda.so': 'cuda',
      'package/Plugins/Linux/x64/libonnxruntime_providers_shared.so': 'shared',
      'package/Plugins/Linux/x64/libonnxruntime_providers_tensorrt.so': 'not needed',
    });
    const runtime = path.join(temporaryFolder(), 'runtime');
    assert.equal(installCudaRuntime(vendor, runtime), runtime);
    const installed = path.join(runtime, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64');
    assert.equal(readFileSync(path.join(installed, 'libonnxruntime_providers_cuda.so'), 'utf8'), 'cuda');
    assert.equal(readFileSync(path.join(installed, 'libonnxruntime_providers_shared.so'), 'utf8'), 'shared');
    assert.ok(!existsSync(path.join(installed, 'libonnxruntime_providers_tensorrt.so')));
    assert.ok(existsSync(path.join(runtime, 'node_modules', 'onnxruntime-common', 'package.json')));
    // A second call finds the marker and leaves the folder as it is.
    writeFileSync(path.join(installed, 'touched'), '');
    installCudaRuntime(vendor, runtime);
    assert.ok(existsSync(path.join(installed, 'touched')));
    assert.throws(() => installCudaRuntime(temporaryFolder(), runtime), /lacks onnxruntime-node-1\.29\.0\.tgz.*--prepare/);
  });

  test('CUDA libraries are found below a root, and the missing ones named', () => {
    const root = temporaryFolder();
    const folder = path.join(root, 'nvidia', 'cu13', 'lib');
    mkdirSync(folder, { recursive: true });
    for (const library of CUDA_LIBRARIES.slice(1)) writeFileSync(path.join(folder, library), '');
    const found = findCudaLibraries([root]);
    assert.ok(found.folders.includes(folder));
    if (found.missing.length > 0) assert.deepEqual(found.missing, [CUDA_LIBRARIES[0]]);
  });
});
