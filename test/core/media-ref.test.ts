import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sha256 } from '../../core/hash.js';
import { imageFromBytes, isMediaBytes, mediaIdentity, mediaOrigin, mediaPlace, mediaShortName, portableMediaIdentity } from '../../core/media-ref.js';
import { readMedia } from '../../core/safe-path.js';
import type { MediaRef } from '../../core/contracts/task.js';
import { bundledDataDir, getTask } from '../../tasks/registry.js';

const root = bundledDataDir(getTask('vqav2'));
const imageFile = path.join(root, 'val2014', readdirSync(path.join(root, 'val2014')).find((name) => name.endsWith('.jpg'))!);
const origin = { file: '/data/vqav2/validation-00000-of-00001.parquet', field: 'row 12, column image' };

test('an image from bytes carries its content hash and where it came from', () => {
  const bytes = readFileSync(imageFile);
  const image = imageFromBytes(bytes, origin);
  assert.equal(image.source, 'bytes');
  assert.equal(image.kind, 'image');
  assert.equal(image.sha256, sha256(bytes));
  assert.ok(isMediaBytes(image));
  assert.equal(mediaOrigin(image), '/data/vqav2/validation-00000-of-00001.parquet: row 12, column image');
  assert.equal(mediaShortName(image), 'validation-00000-of-00001.parquet: row 12, column image');
  assert.deepEqual(mediaPlace(image), origin);
});

test('identity: a file by its path (relative to its root when it must survive a move), bytes by content', () => {
  const file: MediaRef = { kind: 'image', path: imageFile, root };
  const bytes = imageFromBytes(readFileSync(imageFile), origin);
  const sameBytesElsewhere = imageFromBytes(Buffer.from(readFileSync(imageFile)), { file: 'other.parquet', field: 'row 0, column image' });
  assert.equal(mediaIdentity(file), imageFile);
  assert.equal(portableMediaIdentity(file), path.relative(root, imageFile));
  assert.equal(mediaIdentity(bytes), `sha256:${bytes.sha256}`);
  assert.equal(mediaIdentity(sameBytesElsewhere), mediaIdentity(bytes));
  assert.equal(portableMediaIdentity(bytes), mediaIdentity(bytes));
  assert.equal(mediaOrigin(file), imageFile);
  assert.deepEqual(mediaPlace(file), { file: imageFile });
});

test('readMedia gives inline bytes as they are, without touching the file system', async () => {
  const original = readFileSync(imageFile);
  // A view into a larger buffer, as a Parquet page gives it: only the image's own bytes come back.
  const page = Buffer.concat([Buffer.from('before'), original, Buffer.from('after')]);
  const image = imageFromBytes(page.subarray(6, 6 + original.length), origin);
  const read = await readMedia(image);
  assert.ok(read.equals(original));
  assert.ok(read.equals(await readMedia({ kind: 'image', path: imageFile, root })));
});
