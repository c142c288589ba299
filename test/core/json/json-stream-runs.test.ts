// The scanner parses the elements a chunk completes together, as one JSON array; what it yields and
// which error it reports must be what parsing each element as it closed gave.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataError } from '../../../core/errors.js';
import { streamJsonChunks, type JsonStreamElement } from '../../../core/json/json-stream.js';

async function scan(text: string, chunkSize: number): Promise<JsonStreamElement[] | DataError> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += chunkSize) chunks.push(bytes.subarray(offset, offset + chunkSize));
  const elements: JsonStreamElement[] = [];
  try {
    for await (const element of streamJsonChunks(chunks, 'runs.json', { kind: 'array-under-key', key: 'items' })) elements.push(element);
  } catch (error) {
    if (error instanceof DataError) return error;
    throw error;
  }
  return elements;
}

const items = [{ a: 1, s: 'x,]}"\\' }, [1, [2, { b: null }]], 'text "quoted"', -1.5e3, true, null, { é: '\u2028😀' }, 0];

test('elements parsed in runs equal each element parsed alone, whatever the chunk size', async () => {
  let text = '{"items":[ ';
  const offsets: number[] = [];
  items.forEach((item, index) => {
    if (index > 0) text += ' ,\n';
    offsets.push(Buffer.byteLength(text));
    text += JSON.stringify(item);
  });
  text += ' ],"after":{"x":[1]}}';
  for (const size of [1, 3, 7, 16, 64, 1 << 16]) {
    const elements = await scan(text, size);
    assert.ok(Array.isArray(elements));
    assert.deepEqual(elements.map((element) => element.value), items);
    assert.deepEqual(elements.map((element) => element.path), items.map((_item, index) => `items[${index}]`));
    assert.deepEqual(elements.map((element) => element.offset), offsets);
  }
});

test('the first bad element is reported, before a structural error later in the same chunk', async () => {
  const text = '{"items":[{"a":1},{"b":tru},{"c":3} {"d":4}]}';
  const error = await scan(text, 1 << 16);
  assert.ok(error instanceof DataError);
  assert.match(error.message, /in items\[1\]/);
  const structural = await scan('{"items":[{"a":1},{"c":3} {"d":4}]}', 1 << 16);
  assert.ok(structural instanceof DataError);
  assert.match(structural.message, /expected ',' or ']' after items\[1\]/);
  const nonFinite = await scan('{"items":[{"a":1},{"b":NaN},{"c":3}]}', 1 << 16);
  assert.ok(nonFinite instanceof DataError);
  assert.match(nonFinite.message, /NaN is not a JSON value \(in items\[1\]/);
});
