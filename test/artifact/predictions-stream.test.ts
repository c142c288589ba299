// readPredictions streams the official results array; on any problem it reads the file whole, as before.
// Differential test: for valid and broken files alike it must return exactly what the whole-file reader
// returned (the oracle below, a copy of readPredictions before streaming) or throw exactly its error.
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, openSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { readOfficialResultsBytes } from '../../artifact/official-results-bytes.js';
import { readPredictions } from '../../artifact/predictions.js';
import { DataError } from '../../core/errors.js';
import { seededRandom } from '../../core/random.js';
import { isPlainObject, readValidatedJson, withFastCheck } from '../../core/validation.js';
import { temporaryFolder } from '../helpers/cli.js';

// ---- The oracle: readPredictions (official results part) as it was before the streaming path. ----
const oracleEntry = z.union([
  z.strictObject({ question_id: z.union([z.number().int(), z.string().min(1)]), answer: z.string() }),
  z.strictObject({ image: z.string().min(1), answer: z.string() }),
]);
const oracleResults = withFastCheck(z.array(oracleEntry), (value) => Array.isArray(value) && value.every(oracleIsEntry));
const oracleAnswersById = z.record(z.string().min(1), z.string());

function oracleIsEntry(value: unknown): boolean {
  if (!isPlainObject(value) || Object.keys(value).length !== 2 || typeof value.answer !== 'string') return false;
  const id = value.question_id ?? value.image;
  if (typeof id === 'string') return id.length > 0;
  return 'question_id' in value && Number.isSafeInteger(id);
}

function oracleHoldsObject(file: string): boolean {
  const descriptor = openSync(file, 'r');
  try {
    const head = Buffer.alloc(256);
    const read = readSync(descriptor, head, 0, head.length, 0);
    return head.subarray(0, read).toString('utf8').replace(/^\uFEFF/, '').trimStart().startsWith('{');
  } finally {
    closeSync(descriptor);
  }
}

function oracleReadPredictions(file: string): { answers: Map<string, string>; format: string } {
  const answers = new Map<string, string>();
  if (existsSync(file) && oracleHoldsObject(file)) return { answers: new Map(Object.entries(readValidatedJson(oracleAnswersById, file))), format: 'official' };
  readValidatedJson(oracleResults, file).forEach((entry, index) => {
    const id = 'question_id' in entry ? String(entry.question_id) : entry.image;
    const before = answers.size;
    answers.set(id, entry.answer);
    const where = `[${index}]`;
    if (answers.size === before) throw new DataError(`${file}: ${where}: question ${id} appears twice; a predictions file must hold one answer per question`, file, where);
  });
  return { answers, format: 'official' };
}
// ---- end of the oracle ----

type Outcome = { entries: Array<[string, string]>; format: string } | { error: { name: string; message: string; file?: string; field?: string } };

function describeError(error: unknown): Outcome {
  const { name, message, file, field } = error as DataError;
  return { error: { name, message, file, field } };
}

async function outcome(read: () => Promise<{ answers: Iterable<[string, string]>; format: string }>): Promise<Outcome> {
  try {
    const { answers, format } = await read();
    return { entries: [...answers], format };
  } catch (error) {
    return describeError(error);
  }
}

const folder = temporaryFolder();
let fileCount = 0;

/** Writes the content and checks readPredictions against the oracle, for each chunk size. */
async function assertSameAsOracle(content: string | Buffer, chunkSizes: Array<number | undefined> = [1, 3, 17, undefined]): Promise<Outcome> {
  const file = path.join(folder, `results-${fileCount++}.json`);
  writeFileSync(file, content);
  const expected = await outcome(async () => oracleReadPredictions(file));
  for (const chunkSize of chunkSizes) {
    // With the plain-bytes reader in front (the default), and the streaming reader alone.
    for (const plainBytes of [true, false]) {
      const actual = await outcome(() => readPredictions(file, undefined, { chunkSize, plainBytes }));
      assert.deepEqual(actual, expected, `${String(content).slice(0, 200)} (chunk size ${chunkSize ?? 'default'}, plain bytes ${plainBytes})`);
    }
  }
  return expected;
}

const answerTexts = ['yes', 'no', '2', 'red', 'café', '中文 答案', '😀 emoji', 'quote " inside', 'back\\slash', 'line\nbreak', 'tab\there', '', ' ', 'x'.repeat(300), '\u0000nul', '\u2028sep'];

function validEntries(random: () => number, count: number): Array<Record<string, unknown>> {
  const entries: Array<Record<string, unknown>> = [];
  for (let index = 0; index < count; index++) {
    const answer = answerTexts[Math.floor(random() * answerTexts.length)]!;
    const roll = random();
    if (roll < 0.6) entries.push({ question_id: 100_000_000 + index, answer });
    else if (roll < 0.8) entries.push({ question_id: `q-${index}`, answer });
    else if (roll < 0.9) entries.push({ image: `VizWiz_val_${String(index).padStart(8, '0')}.jpg`, answer });
    else entries.push({ answer, question_id: index });
  }
  return entries;
}

test('valid official results files read the same as the whole-file reader, at any chunk size', async () => {
  const random = seededRandom(18);
  const small = validEntries(random, 40);
  const outcomes = [
    await assertSameAsOracle(JSON.stringify(small)),
    await assertSameAsOracle(JSON.stringify(small, null, 2)),
    await assertSameAsOracle(JSON.stringify(small, null, '\t').replaceAll('\n', '\r\n')),
    await assertSameAsOracle(`  \n${JSON.stringify(small)}\n\n`),
    // Escapes a writer other than JSON.stringify may use, a lone surrogate, numbers written oddly.
    await assertSameAsOracle('[{"question_id":1,"answer":"\\u00e9\\/\\ud83d\\ude00\\b\\f"},{"question_id":2,"answer":"\\ud800"},{"question_id":3e2,"answer":"a"},{"question_id":4.0,"answer":"b"},{"question_id":-0,"answer":"c"},{"question_id":1E1,"answer":"d"}]'),
    // JSON.parse keeps the last of repeated keys: still two keys.
    await assertSameAsOracle('[{"question_id":1,"question_id":2,"answer":"a"},{"answer":"x","answer":"b","question_id":3}]'),
    // Invalid UTF-8 inside an answer becomes U+FFFD either way.
    await assertSameAsOracle(Buffer.concat([Buffer.from('[{"question_id":1,"answer":"a'), Buffer.from([0xff, 0xc3]), Buffer.from('b"}]')])),
    await assertSameAsOracle('[{"image":"__proto__","answer":"__proto__"},{"question_id":"constructor","answer":"toString"}]'),
    await assertSameAsOracle('[]'),
    await assertSameAsOracle(' [ \n ] '),
    await assertSameAsOracle(JSON.stringify(validEntries(random, 3000)), [7, 4096, undefined]),
  ];
  assert.ok(outcomes.every((result) => 'entries' in result));
  assert.equal((outcomes.at(-1) as { entries: unknown[] }).entries.length, 3000);
});

/** The plain form the bytes reader takes (numeric ids, ASCII answers), written with random spacing and key order. */
function plainDocument(random: () => number, count: number): string {
  const space = () => [' ', '', '', '\n', '\r\n  ', '\t'][Math.floor(random() * 6)]!;
  const ascii = ['yes', 'no', '2', 'zebra crossing', '', ' ', 'x'.repeat(40), '{}[],:', 'a/b'];
  const entries: string[] = [];
  for (let index = 0; index < count; index++) {
    const roll = random();
    // Unique ids: zero, the largest 15-digit one, negatives and VQAv2-like ones.
    const id = index === 0 ? 0 : index === 1 ? 999_999_999_999_999 : roll < 0.05 ? -index : 262_148_000 + index;
    const answer = JSON.stringify(ascii[Math.floor(random() * ascii.length)]!);
    const idPair = `${space()}"question_id"${space()}:${space()}${id}${space()}`;
    const answerPair = `${space()}"answer"${space()}:${space()}${answer}${space()}`;
    entries.push(`${space()}{${random() < 0.7 ? `${idPair},${answerPair}` : `${answerPair},${idPair}`}}${space()}`);
  }
  return `${space()}[${entries.join(',')}]${space()}`;
}

test('plain official results, and small departures from the plain form, read the same by every path', async () => {
  const random = seededRandom(29);
  for (let round = 0; round < 30; round++) {
    const document = plainDocument(random, 1 + Math.floor(random() * 60));
    const outcomes = [await assertSameAsOracle(document, [undefined])];
    // The plain form is read by the bytes reader itself, not handed on to the general one.
    assert.ok(readOfficialResultsBytes(Buffer.from(document)), document.slice(0, 200));
    // One byte changed, inserted or removed anywhere: still valid (another id, answer or spacing) or broken.
    for (let edit = 0; edit < 20; edit++) {
      const at = Math.floor(random() * document.length);
      const byte = ['"', '\\', '.', 'e', '-', '0', '9', ',', '}', ']', ' ', 'é', '\u0001', 'x'][Math.floor(random() * 14)]!;
      const roll = random();
      const edited = roll < 0.4 ? document.slice(0, at) + byte + document.slice(at + 1) : roll < 0.8 ? document.slice(0, at) + byte + document.slice(at) : document.slice(0, at) + document.slice(at + 1);
      outcomes.push(await assertSameAsOracle(edited, [undefined]));
    }
    assert.ok('entries' in outcomes[0]!);
  }
  // A repeated id is refused as the whole-file reader refuses it; -0 and 0 are one id.
  for (const content of ['[{"question_id":7,"answer":"a"},{"question_id":7,"answer":"b"}]', '[{"question_id":0,"answer":"a"},{"question_id":-0,"answer":"b"}]']) {
    assert.ok('error' in (await assertSameAsOracle(content, [undefined])));
  }
});

test('broken official results files throw the whole-file reader\'s error, byte for byte', async () => {
  const random = seededRandom(7);
  const good = JSON.stringify(validEntries(random, 6));
  const broken = [
    // Malformed JSON: cut anywhere, a comma missing or doubled, garbage after the array, NaN.
    ...Array.from({ length: good.length - 1 }, (_, cut) => good.slice(0, cut + 1)),
    good.replace('},{', '}{'),
    good.replace('},{', '},,{'),
    good.replace(/\]$/, ',]'),
    `${good} x`,
    `${good}]`,
    `${good}${good}`,
    '[{"question_id":NaN,"answer":"a"}]',
    '[{"question_id":1,"answer":\'a\'}]',
    '[{"question_id":1,"answer":"a\nb"}]',
    '[{"question_id":1,"answer":"\\x"}]',
    '',
    '   ',
    // Entries of the wrong shape.
    '[{"question_id":1,"answer":2}]',
    '[{"question_id":true,"answer":"a"}]',
    '[{"question_id":1.5,"answer":"a"}]',
    '[{"question_id":1e20,"answer":"a"}]',
    '[{"question_id":1e400,"answer":"a"}]',
    '[{"question_id":"","answer":"a"}]',
    '[{"question_id":null,"answer":"a"}]',
    '[{"question_id":1,"answer":"a","extra":0}]',
    '[{"question_id":1}]',
    '[{"image":"","answer":"a"}]',
    '[{"question_id":1,"image":"a.jpg"}]',
    `[${good.slice(1, -1)},{"question_id":5,"answer":null}]`,
    '[{"__proto__":{"question_id":1},"answer":"a","x":1}]',
    '[{"__proto__":{"question_id":1},"answer":"a"}]',
    '[{"question_id":1,"__proto__":"a"}]',
    '[[1,"a"]]',
    '[null]',
    '["yes"]',
    // Repeated ids, numbers and strings alike (1 and "1" are the same question).
    '[{"question_id":1,"answer":"a"},{"question_id":1,"answer":"b"}]',
    '[{"question_id":1,"answer":"a"},{"question_id":"1","answer":"b"}]',
    '[{"image":"a.jpg","answer":"a"},{"question_id":2,"answer":"b"},{"image":"a.jpg","answer":"c"}]',
    `[${good.slice(1, -1)},${good.slice(1, -1)}]`,
    // Not an array.
    '"text"',
    '42',
    'null',
    'true',
    // A byte-order mark, whole or cut short.
    `\uFEFF${good}`,
    Buffer.concat([Buffer.from([0xef]), Buffer.from(good)]),
    Buffer.concat([Buffer.from([0xef, 0xbb]), Buffer.from(good)]),
  ];
  for (const content of broken) {
    const result = await assertSameAsOracle(content, [1, 5, undefined]);
    assert.ok('error' in result, `expected an error for ${String(content)}`);
  }
});

test('the {id: answer} object form and files that cannot be read behave as before', async () => {
  for (const content of ['{"1":"yes","2":"no"}', ' {"1":2}', '{}', `\uFEFF{"1":"yes"}`, '{"":"a"}', '{"1":"a"} x']) await assertSameAsOracle(content, [undefined]);
  const missing = path.join(folder, 'missing.json');
  assert.deepEqual(await outcome(() => readPredictions(missing)), await outcome(async () => oracleReadPredictions(missing)));
  const directory = path.join(folder, 'a-folder.json');
  mkdirSync(directory);
  assert.deepEqual(await outcome(() => readPredictions(directory)), await outcome(async () => oracleReadPredictions(directory)));
});
