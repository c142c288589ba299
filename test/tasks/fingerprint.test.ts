import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { dataFingerprint } from '../../tasks/fingerprint.js';
import { bundledDataDir, getTask } from '../../tasks/registry.js';
import { temporaryFolder } from '../helpers/cli.js';

/** The definition: SHA-256 over each split file's name, NUL, then its bytes (or "missing", NUL). */
function definition(folder: string, files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    const absolute = path.join(folder, file);
    hash.update(existsSync(absolute) ? readFileSync(absolute) : 'missing\0');
  }
  return hash.digest('hex').slice(0, 16);
}

test('a data fingerprint is the same hashed in a worker thread or in the main thread, and follows its definition', async () => {
  const vqav2 = getTask('vqav2');
  const files = vqav2.splits.find((split) => split.name === 'val')!.files;
  const complete = bundledDataDir(vqav2);
  const partial = temporaryFolder();
  copyFileSync(path.join(complete, files[0]!), path.join(partial, files[0]!));
  for (const folder of [complete, partial]) {
    const inThread = await dataFingerprint(vqav2, folder, 'val', { workerMinBytes: Number.POSITIVE_INFINITY });
    assert.equal(await dataFingerprint(vqav2, folder, 'val', { workerMinBytes: 0 }), inThread);
    assert.equal(inThread, definition(folder, files));
  }
});
