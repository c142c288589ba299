import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
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

test('a fingerprint is remembered for settled files as they are on disk, and only for them', async () => {
  const saved = { cache: process.env.EMU_EVAL_CACHE, data: process.env.EMU_EVAL_DATA_CACHE };
  const cache = temporaryFolder();
  process.env.EMU_EVAL_CACHE = cache;
  delete process.env.EMU_EVAL_DATA_CACHE;
  const remembered = () => {
    const folder = path.join(cache, 'fingerprints');
    return existsSync(folder) ? readdirSync(folder, { recursive: true }).filter((name) => /^[0-9a-f]{64}$/.test(path.basename(String(name)))).map((name) => path.join(folder, String(name))) : [];
  };
  try {
    const vqav2 = getTask('vqav2');
    const files = vqav2.splits.find((split) => split.name === 'val')!.files;
    const folder = temporaryFolder();
    for (const file of files) copyFileSync(path.join(bundledDataDir(vqav2), file), path.join(folder, file));
    // Copied just now: hashed, nothing remembered (a file modified within one timestamp step could change unseen).
    assert.equal(await dataFingerprint(vqav2, folder, 'val'), definition(folder, files));
    assert.deepEqual(remembered(), []);
    const backdate = (file: string, ageMs: number) => utimesSync(path.join(folder, file), new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));
    for (const file of files) backdate(file, 60_000);
    assert.equal(await dataFingerprint(vqav2, folder, 'val'), definition(folder, files));
    const [entry] = remembered();
    assert.ok(entry, 'settled files: the fingerprint is remembered');
    // The next run takes the remembered one, without hashing (a planted value proves it is read).
    writeFileSync(entry, 'aaaaaaaaaaaaaaaa');
    assert.equal(await dataFingerprint(vqav2, folder, 'val'), 'aaaaaaaaaaaaaaaa');
    // A rewritten file is another file on disk (new times): hashed again.
    writeFileSync(path.join(folder, files[0]!), readFileSync(path.join(folder, files[0]!), 'utf8').replace('"question"', '"question" '));
    backdate(files[0]!, 30_000);
    assert.equal(await dataFingerprint(vqav2, folder, 'val'), definition(folder, files));
    // Switched off: computed every time, nothing new remembered.
    process.env.EMU_EVAL_DATA_CACHE = 'off';
    const before = remembered().length;
    writeFileSync(entry, 'aaaaaaaaaaaaaaaa');
    backdate(files[1]!, 20_000);
    assert.equal(await dataFingerprint(vqav2, folder, 'val'), definition(folder, files));
    assert.equal(remembered().length, before);
  } finally {
    for (const [name, value] of [['EMU_EVAL_CACHE', saved.cache], ['EMU_EVAL_DATA_CACHE', saved.data]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
});
