// `npm run bench -- gpu`: the dry run on CPU (tiny LLaVA config, every step of the GPU script), and the
// offline CUDA runtime install from vendor tarballs (here fakes with the real layout).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
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
  test('--dry-run runs the whole script on CPU with the tiny config and reports every batch size', () => {
    const work = temporaryFolder();
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/index.ts', 'gpu', '--dry-run', '--work', work, '--vendor', temporaryFolder()], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /GPU decode throughput \(dry run on CPU\)/);
    for (const batch of ['1', '8', '32']) assert.match(run.stdout, new RegExp(`│ ${batch} +│`));
    assert.match(run.stdout, /prefill ms/);
    assert.match(run.stdout, /goal ≥ 15×/);
    const written = JSON.parse(readFileSync(path.join(ROOT, 'bench', 'out', 'gpu.json'), 'utf8'));
    assert.equal(written.rows.length, 3);
    for (const row of written.rows) assert.ok(Number(row['decode step ms (median)']) > 0);
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
