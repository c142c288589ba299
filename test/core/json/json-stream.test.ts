import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DataError } from '../../../core/errors.js';
import { streamJsonChunks, streamJsonFile, type JsonStreamElement, type JsonStreamTarget } from '../../../core/json/json-stream.js';
import { temporaryFolder, writeJsonFile } from '../../tasks/dataset-folders.js';

function chunked(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
  return chunks;
}

async function collect(text: string | Buffer, target: JsonStreamTarget, chunkSize = 1 << 16): Promise<JsonStreamElement[]> {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const elements: JsonStreamElement[] = [];
  for await (const element of streamJsonChunks(chunked(bytes, chunkSize), 'test.json', target)) elements.push(element);
  return elements;
}

async function failure(text: string, target: JsonStreamTarget, chunkSize = 1 << 16): Promise<DataError> {
  try {
    await collect(text, target, chunkSize);
  } catch (error) {
    assert.ok(error instanceof DataError, String(error));
    return error;
  }
  assert.fail('expected a DataError');
}

// Strings holding every character the scanner tracks: quotes, escapes, brackets, multi-byte UTF-8.
const tricky = {
  question_id: 1,
  question: 'Is the "sign" {red} or [blue]? \\ back\\slash \\" end',
  answers: [{ answer: 'café ☕ 🚦', nested: { deeper: [[], {}, ['}', ']', '\\']] } }],
  empty: '',
  numbers: [-1.5e3, 0, 12345678901234],
  flags: [true, false, null],
};
const document = JSON.stringify({
  info: { description: 'brackets in a skipped value: ]}[{ "quoted" \\', list: [1, [2, [3]]] },
  questions: [tricky, 42, 'plain string', null, { ...tricky, question_id: 2 }, [1, { a: '"' }]],
  license: { name: 'after the array' },
});
const expected = JSON.parse(document).questions as unknown[];

describe('streaming JSON reader', () => {
  it('yields the elements of the array under a key, whatever the chunk boundaries', async () => {
    for (let size = 1; size <= 17; size++) {
      const elements = await collect(document, { kind: 'array-under-key', key: 'questions' }, size);
      assert.deepEqual(
        elements.map((element) => element.value),
        expected,
        `chunk size ${size}`,
      );
      assert.deepEqual(
        elements.map((element) => element.path),
        expected.map((_, index) => `questions[${index}]`),
      );
    }
  });

  it('reports each element at its byte offset', async () => {
    const text = '{"questions": [ {"a": "é"} ,{"b": 2}]}';
    const elements = await collect(text, { kind: 'array-under-key', key: 'questions' }, 3);
    assert.deepEqual(
      elements.map((element) => element.offset),
      [Buffer.from(text).indexOf('{"a"'), Buffer.from(text).indexOf('{"b"')],
    );
  });

  it('streams a top-level array and tolerates a byte-order mark and whitespace', async () => {
    const text = `\ufeff \n[ ${JSON.stringify(tricky)} ,\n\t7 ]\n`;
    for (const size of [1, 2, 5, 1000]) {
      const elements = await collect(text, { kind: 'array' }, size);
      assert.deepEqual(
        elements.map((element) => [element.path, element.value]),
        [
          ['[0]', tricky],
          ['[1]', 7],
        ],
      );
    }
  });

  it('streams the entries of a top-level object with their keys', async () => {
    // Written out by hand: JSON.stringify would move the integer-like key "3" first.
    const text = '{"201307251": {"imageId": "n1", "question": "What?"}, "key \\"quoted\\"": [1], "3": "x"}';
    for (const size of [1, 4, 1000]) {
      const elements = await collect(text, { kind: 'object-entries' }, size);
      assert.deepEqual(
        elements.map((element) => [element.key, element.path, element.value]),
        [
          ['201307251', '201307251', { imageId: 'n1', question: 'What?' }],
          ['key "quoted"', '["key \\"quoted\\""]', [1]],
          ['3', '3', 'x'],
        ],
      );
    }
  });

  it('handles empty containers', async () => {
    assert.deepEqual(await collect('{"questions": []}', { kind: 'array-under-key', key: 'questions' }), []);
    assert.deepEqual(await collect('[]', { kind: 'array' }), []);
    assert.deepEqual(await collect('{}', { kind: 'object-entries' }), []);
  });

  it('reads files in small chunks', async () => {
    const file = writeJsonFile(temporaryFolder(), 'questions.json', document);
    const elements: unknown[] = [];
    for await (const element of streamJsonFile(file, { kind: 'array-under-key', key: 'questions' }, { chunkSize: 7 })) elements.push(element.value);
    assert.deepEqual(elements, expected);
  });

  it('stops reading when the consumer stops', async () => {
    const file = writeJsonFile(temporaryFolder(), 'big.json', { questions: Array.from({ length: 10_000 }, (_, index) => ({ index })) });
    let seen = 0;
    for await (const element of streamJsonFile(file, { kind: 'array-under-key', key: 'questions' }, { chunkSize: 64 })) {
      seen++;
      if ((element.value as { index: number }).index === 2) break;
    }
    assert.equal(seen, 3);
  });
});

describe('malformed input', () => {
  it('an error inside an element gives the byte offset of the bad byte', async () => {
    const text = '{"questions": [{"a": 1}, {"b": 2,}]}';
    for (const size of [1, 3, 100]) {
      const error = await failure(text, { kind: 'array-under-key', key: 'questions' }, size);
      assert.match(error.message, new RegExp(`^test\\.json: malformed JSON at byte ${text.indexOf(',}') + 1}: `));
      assert.match(error.message, /in questions\[1\]/);
      assert.equal(error.field, 'questions[1]');
      assert.equal(error.file, 'test.json');
    }
  });

  it('offsets count bytes, not characters', async () => {
    const text = '[{"a": "ééé" x}]';
    const error = await failure(text, { kind: 'array' });
    assert.match(error.message, new RegExp(`at byte ${Buffer.from(text).indexOf('x')}:`));
  });

  it('a missing comma between elements', async () => {
    const text = '[{"a": 1} {"b": 2}]';
    const error = await failure(text, { kind: 'array' }, 2);
    assert.match(error.message, /malformed JSON at byte 10: expected ',' or '\]' after \[0\], found '\{'/);
  });

  it('a truncated file', async () => {
    const text = '{"annotations": [{"a": 1}, {"b": [2, 3';
    const error = await failure(text, { kind: 'array-under-key', key: 'annotations' }, 4);
    assert.match(error.message, new RegExp(`malformed JSON at byte ${Buffer.byteLength(text)}: unexpected end of file: the "annotations" array ends inside an element that starts at byte 27`));
  });

  it('the wrong top-level shape, an empty file, trailing garbage', async () => {
    assert.match((await failure('[1]', { kind: 'array-under-key', key: 'questions' })).message, /at byte 0: expected '\{' starting a top-level object, found '\['/);
    assert.match((await failure('{"questions": {"a": 1}}', { kind: 'array-under-key', key: 'questions' })).message, /at byte 14: expected an array under "questions", found '\{'/);
    assert.match((await failure('', { kind: 'array' })).message, /at byte 0: unexpected end of file: the file is empty/);
    assert.match((await failure('[1] [2]', { kind: 'array' })).message, /at byte 4: unexpected '\[' after the end of the top-level value/);
    assert.match((await failure('{"questions": [], "questions": []}', { kind: 'array-under-key', key: 'questions' })).message, /key "questions" appears twice/);
  });

  it('a missing file', async () => {
    const file = path.join(temporaryFolder(), 'absent.json');
    await assert.rejects(async () => {
      for await (const _element of streamJsonFile(file, { kind: 'array' })) assert.fail('nothing to read');
    }, (error: unknown) => error instanceof DataError && error.file === file && /file not found/.test(error.message));
  });
});
