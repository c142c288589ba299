import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sha256 } from '../../../core/hash.js';
import { cachedFileDigest } from '../../../tasks/formats/file-digest-cache.js';
import { temporaryFolder } from '../../helpers/cli.js';

let savedCache: string | undefined;
before(() => {
  savedCache = process.env.EMU_EVAL_CACHE;
  process.env.EMU_EVAL_CACHE = temporaryFolder();
});
after(() => {
  if (savedCache === undefined) delete process.env.EMU_EVAL_CACHE;
  else process.env.EMU_EVAL_CACHE = savedCache;
});

test('a file is hashed once and remembered by path, size, modification time and inode', async () => {
  const file = path.join(temporaryFolder(), 'validation-00000-of-00001.parquet');
  // Whole seconds, so setting the time again below gives the very same modification time.
  const atime = new Date(Date.UTC(2026, 0, 1));
  const mtime = new Date(Date.UTC(2026, 0, 2));
  writeFileSync(file, 'first contents');
  utimesSync(file, atime, mtime);
  assert.equal(await cachedFileDigest(file), sha256('first contents'));
  // Same size and modification time: the remembered digest is used, the file is not read again.
  writeFileSync(file, 'other contents');
  utimesSync(file, atime, mtime);
  assert.equal(await cachedFileDigest(file), sha256('first contents'));
  // Rewritten as files are (a new modification time): hashed again.
  utimesSync(file, atime, new Date(mtime.getTime() + 5000));
  assert.equal(await cachedFileDigest(file), sha256('other contents'));
  writeFileSync(file, 'contents of another length');
  assert.equal(await cachedFileDigest(file), sha256('contents of another length'));
});
