import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { writeFileAtomic } from '../../core/atomic-file.js';

const folder = mkdtempSync(path.join(tmpdir(), 'emu-eval-atomic-'));
after(() => rmSync(folder, { recursive: true, force: true }));

test('a file written in parts holds them one after another, and no temp file is left', () => {
  const file = path.join(folder, 'parts.bin');
  writeFileAtomic(file, [Buffer.from('ab'), new Uint8Array([0x63]), Buffer.from('')]);
  assert.equal(readFileSync(file, 'latin1'), 'abc');
  assert.deepEqual(readdirSync(folder), ['parts.bin']);
});

test('a write that fails leaves no temp file behind', () => {
  const target = path.join(folder, 'a-folder');
  mkdirSync(target);
  // Renaming a file over a folder fails after the temp file was written.
  assert.throws(() => writeFileAtomic(target, 'content'), /EISDIR|EEXIST|ENOTEMPTY|EPERM/);
  assert.deepEqual(readdirSync(folder).sort(), ['a-folder', 'parts.bin']);
});
