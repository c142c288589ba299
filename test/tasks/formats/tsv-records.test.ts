import assert from 'node:assert/strict';
import { test } from 'node:test';
import { streamTsvChunks, type TsvRecord } from '../../../tasks/formats/tsv-records.js';

async function parse(text: string, chunkSize: number): Promise<TsvRecord[]> {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += chunkSize) chunks.push(bytes.subarray(start, start + chunkSize));
  const records: TsvRecord[] = [];
  for await (const record of streamTsvChunks(chunks, 'test.tsv')) records.push(record);
  return records;
}

// What pandas.read_csv(sep='\t') reads from the same text (checked with pandas' C parser semantics:
// a quote opens a field only at its start, "" is a quote inside quotes, blank lines are skipped).
const text = [
  'index\tquestion\thint',
  '0\tplain\t',
  '1\t"quoted\twith tab"\t"two\nlines"',
  '',
  '2\t"say ""hi"""\tmid"quote',
  '3\t"é ünïcode ✓"\t"x"y',
].join('\r\n') + '\n';

const expected = [
  { fields: ['index', 'question', 'hint'], line: 1 },
  { fields: ['0', 'plain', ''], line: 2 },
  { fields: ['1', 'quoted\twith tab', 'two\nlines'], line: 3 },
  { fields: ['2', 'say "hi"', 'mid"quote'], line: 6 },
  { fields: ['3', 'é ünïcode ✓', 'xy'], line: 7 },
];

test('quoted fields, doubled quotes, CRLF, blank lines: the same records whatever the chunk boundaries', async () => {
  for (const chunkSize of [1, 2, 3, 5, 7, 1 << 20]) {
    assert.deepEqual(await parse(text, chunkSize), expected, `chunk size ${chunkSize}`);
  }
});

test('lone carriage returns end lines; a quoted CRLF stays in the field; quotes after the start are literal', async () => {
  const text = 'a\tb\r1\t"x\r\ny"\r\n2\tsay "hi"\t\n\n';
  const expected = [
    { fields: ['a', 'b'], line: 1 },
    { fields: ['1', 'x\r\ny'], line: 2 },
    { fields: ['2', 'say "hi"', ''], line: 4 },
  ];
  for (const chunkSize of [1, 2, 3, 4, 64]) assert.deepEqual(await parse(text, chunkSize), expected, `chunk size ${chunkSize}`);
});

test('a last line without a newline is a record; an unclosed quote is an error naming the line', async () => {
  assert.deepEqual(await parse('a\tb\n1\t2', 4), [
    { fields: ['a', 'b'], line: 1 },
    { fields: ['1', '2'], line: 2 },
  ]);
  await assert.rejects(parse('a\tb\n1\t"open', 3), /test\.tsv: line 2: a quoted field is not closed/);
});
