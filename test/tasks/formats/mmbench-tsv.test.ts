import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { DataProblem } from '../../../core/contracts/task.js';
import { readMmbenchTsv } from '../../../tasks/formats/mmbench-tsv.js';
import { ProblemSink } from '../../../tasks/formats/problem-sink.js';

const folder = mkdtempSync(path.join(tmpdir(), 'mmbench-tsv-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const pictureA = Buffer.alloc(80, 7);
const pictureB = Buffer.alloc(90, 9);
const header = ['index', 'question', 'hint', 'A', 'B', 'C', 'D', 'answer', 'category', 'image', 'source', 'l2-category', 'comment', 'split'];

function writeTsv(name: string, rows: string[][], columns = header): string {
  const file = path.join(folder, name);
  writeFileSync(file, [columns, ...rows].map((row) => row.join('\t')).join('\n') + '\n');
  return file;
}

async function read(file: string): Promise<{ rows: Awaited<ReturnType<typeof readMmbenchTsv>>['rows']; columns: string[]; problems: DataProblem[] }> {
  const problems: DataProblem[] = [];
  const { rows, columns } = await readMmbenchTsv(file, new ProblemSink((problem) => problems.push(problem)));
  return { rows, columns, problems };
}

test('VLMEvalKit layout: later passes refer to the main row for their image; groups are index mod 1e6', async () => {
  const file = writeTsv('MMBench_DEV_EN.tsv', [
    ['0', 'What is shown?', '"A hint\n\nover lines"', 'cat', 'dog', 'None', '', 'B', 'image_scene', pictureA.toString('base64'), 'src', 'coarse_perception', '', 'dev'],
    ['1', 'Which?', '', 'red', 'blue', 'green', 'pink', 'D', 'color', pictureB.toString('base64'), 'src', 'attribute_reasoning', '', 'dev'],
    ['1000000', 'What is shown?', '"A hint\n\nover lines"', 'dog', 'cat', '', '', 'A', 'image_scene', '0', 'src', 'coarse_perception', '', 'dev'],
  ]);
  const { rows, columns, problems } = await read(file);
  assert.deepEqual(problems, []);
  assert.deepEqual(columns, header.filter((column) => column !== 'image'));
  assert.deepEqual(rows.map((row) => [row.index, row.group, row.answer]), [[0, 0, 'B'], [1, 1, 'D'], [1_000_000, 0, 'A']]);
  // pandas reads `None` as NaN: VLMEvalKit does not show that option, and neither do we.
  assert.deepEqual(rows[0]!.options, { A: 'cat', B: 'dog' });
  assert.equal(rows[0]!.hint, 'A hint\n\nover lines');
  assert.equal(rows[1]!.hint, undefined);
  assert.equal(rows[0]!.category, 'image_scene');
  assert.equal(rows[0]!.l2Category, 'coarse_perception');
  assert.deepEqual(Buffer.from(rows[2]!.image.bytes), pictureA);
  assert.equal(rows[2]!.image.sha256, rows[0]!.image.sha256);
  assert.equal(rows[2]!.image.origin.field, 'line 2, column image');
  assert.equal(rows[0]!.cells.comment, '');
});

test('test layout (no answer column) and a g_index column', async () => {
  const columns = ['index', 'question', 'A', 'B', 'image', 'g_index'];
  const file = writeTsv('MMBench_TEST_EN.tsv', [['5', 'q', 'x', 'y', pictureA.toString('base64'), '77']], columns);
  const { rows, problems } = await read(file);
  assert.deepEqual(problems, []);
  assert.equal(rows[0]!.answer, undefined);
  assert.equal(rows[0]!.group, 77);
});

test('every bad row is reported with its line and skipped', async () => {
  const image = pictureA.toString('base64');
  const file = writeTsv('bad.tsv', [
    ['x1', 'q', '', 'a', 'b', '', '', 'A', 'c', image, 's', 'l', '', 'dev'],
    ['2', 'q', '', 'a', 'b', '', '', 'C', 'c', image, 's', 'l', '', 'dev'],
    ['3', 'q', '', 'a', 'b', '', '', 'A', 'c', image, 's', 'l', '', 'dev'],
    ['3', 'q', '', 'a', 'b', '', '', 'A', 'c', image, 's', 'l', '', 'dev'],
    ['4', 'q', '', 'a', 'b', '', '', 'A', 'c', '99', 's', 'l', '', 'dev'],
    ['5', 'q', '', 'a', 'b', '', '', 'A', 'c', `${'%'.repeat(68)}`, 's', 'l', '', 'dev'],
    ['6', 'q', '', 'a'],
  ]);
  const { rows, problems } = await read(file);
  assert.deepEqual(rows.map((row) => row.index), [3]);
  assert.deepEqual(problems.map((problem) => `${problem.field}: ${problem.message}`), [
    'line 2: column index: expected a whole number, found "x1"',
    'line 3: column answer: "C" is not one of the options A, B',
    'line 5, column index: index 3 repeats the row on line 4',
    'line 7, column image: not base64-encoded image bytes (68 characters starting "%%%%%%%%%%%%%%%%")',
    'line 8: 4 cells, the header has 14 columns',
    'line 6, column image: refers to the image of index "99", but no row with that index carries an image',
  ]);
  assert.ok(problems.every((problem) => problem.file === file));
});

test('a header without the needed columns stops the file', async () => {
  const file = writeTsv('header.tsv', [['1', 'q']], ['id', 'question']);
  const { rows, problems } = await read(file);
  assert.deepEqual(rows, []);
  assert.match(problems[0]!.message, /missing columns index, image; the header has id, question/);
});
