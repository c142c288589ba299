import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { findPackageRoot, packageRoot, sourcePath } from '../../core/package-root.js';
import { workerEntry } from '../../runners/onnx/worker-pool.js';

test('the package root is found from a compiled module deep in dist/ as from a source module', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'emu-eval-root-'));
  try {
    writeFileSync(path.join(root, 'package.json'), '{}');
    const compiledFolder = path.join(root, 'dist', 'runners', 'onnx');
    mkdirSync(compiledFolder, { recursive: true });
    assert.equal(findPackageRoot(compiledFolder), root);
    assert.equal(findPackageRoot(root), root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('files shipped beside the sources resolve inside the checkout', () => {
  assert.ok(existsSync(path.join(packageRoot, 'package.json')));
  assert.ok(existsSync(sourcePath('tasks', 'samples', 'data', 'vqav2')));
  assert.ok(existsSync(sourcePath('evals', 'suites', 'nightly.yaml')));
});

test('ONNX workers start through the tsx entry from sources and from worker.js when compiled', () => {
  assert.equal(path.basename(workerEntry('file:///repo/runners/onnx/worker-pool.ts').pathname), 'worker-entry.js');
  assert.equal(workerEntry('file:///repo/dist/runners/onnx/worker-pool.js').pathname, '/repo/dist/runners/onnx/worker.js');
});
