// JSON files are read into two buffers in turn: the scanner must copy what it keeps of a chunk, and a
// reader that stops early must still close the file.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DataError } from '../../../core/errors.js';
import { streamJsonFile } from '../../../core/json/json-stream.js';
import { temporaryFolder } from '../../tasks/dataset-folders.js';

test('values that span reused read buffers come out whole, at any chunk size', async () => {
  const items = Array.from({ length: 300 }, (_item, index) => ({ id: index, text: `é ${'x'.repeat(index % 50)} \\"${index}"`, nested: [index, { deep: 'ü😀'.repeat(index % 4) }] }));
  const file = path.join(temporaryFolder(), 'items.json');
  writeFileSync(file, JSON.stringify({ meta: { skip: 'x'.repeat(500) }, items }));
  for (const chunkSize of [1, 3, 17, 64, 1000]) {
    const values: unknown[] = [];
    for await (const element of streamJsonFile(file, { kind: 'array-under-key', key: 'items' }, { chunkSize })) values.push(element.value);
    assert.deepStrictEqual(values, items, `chunks of ${chunkSize}`);
  }
});

test('a reader that stops early, then a folder in place of the file', async () => {
  const folder = temporaryFolder();
  const file = path.join(folder, 'big.json');
  writeFileSync(file, JSON.stringify(Array.from({ length: 5000 }, (_item, index) => index)));
  for await (const element of streamJsonFile(file, { kind: 'array' }, { chunkSize: 16 })) if (element.index === 10) break;
  await assert.rejects(async () => {
    for await (const _element of streamJsonFile(folder, { kind: 'array' })) assert.fail('nothing to read');
  }, (error: unknown) => error instanceof DataError && /is a folder, expected a JSON file/.test(error.message));
});
