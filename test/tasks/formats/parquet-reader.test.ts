import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DataError } from '../../../core/errors.js';
import type { DataProblem, Sample } from '../../../core/contracts/task.js';
import { readParquetRows } from '../../../tasks/formats/parquet-rows.js';
import { dataFingerprint } from '../../../tasks/fingerprint.js';
import { bundledDataDir, getTask } from '../../../tasks/registry.js';
import { temporaryFolder } from '../../helpers/cli.js';
import { writeParquetTable, writeVqav2ParquetSnapshot } from '../../helpers/parquet-snapshots.js';
import { countSamples } from '../../../tasks/data-check.js';

const vqav2 = getTask('vqav2');

async function load(dataDir: string, onProblem?: (problem: DataProblem) => void): Promise<Sample[]> {
  const samples: Sample[] = [];
  for await (const sample of vqav2.load({ dataDir, split: 'val', onProblem })) samples.push(sample);
  return samples;
}

test('rows stream one row group at a time, numbered as in the file; int64 become numbers, lists and structs plain values', async () => {
  const file = writeVqav2ParquetSnapshot(temporaryFolder(), { rowGroupSize: 7 });
  const rows = [];
  for await (const row of readParquetRows(file, ['question_id', 'answers', 'image'])) rows.push(row);
  assert.equal(rows.length, 40);
  assert.deepEqual(rows.map((row) => row.row), [...Array(40).keys()]);
  assert.deepEqual(rows.map((row) => row.rowGroup), [...Array(40).keys()].map((index) => Math.floor(index / 7)));
  const first = rows[0]!.values as { question_id: unknown; answers: Array<{ answer_id: unknown }>; image: { bytes: unknown; path: unknown } };
  assert.equal(first.question_id, 560017000);
  assert.equal(first.answers.length, 10);
  assert.equal(first.answers[9]!.answer_id, 10);
  assert.ok(first.image.bytes instanceof Uint8Array);
  assert.equal(first.image.path, 'COCO_val2014_000000560017.jpg');
  assert.deepEqual(Object.keys(first).sort(), ['answers', 'image', 'question_id']);
});

test('a file without a needed column, or that is no Parquet file, fails naming the file (and the columns it has)', async () => {
  const folder = temporaryFolder();
  const file = writeVqav2ParquetSnapshot(folder);
  await assert.rejects(readParquetRows(file, ['question_id', 'caption']).next(), (error: DataError) => {
    assert.ok(error instanceof DataError);
    assert.match(error.message, /validation-00000-of-00001\.parquet: column caption: missing; the file has "question_type", "multiple_choice_answer", "answers", .*"image"$/);
    assert.equal(error.field, 'column caption');
    return true;
  });
  writeFileSync(file, 'PAR1 but truncated');
  await assert.rejects(load(folder), /validation-00000-of-00001\.parquet: not a readable Parquet file/);
});

test('bad rows are named by file, row, row group and column; data check lists them all and reads each image once', async () => {
  const folder = temporaryFolder();
  const file = writeVqav2ParquetSnapshot(folder, {
    rowGroupSize: 7,
    mutate(rows) {
      rows[9]!.answers = rows[9]!.answers!.slice(0, 9);
      rows[12]!.question = null as unknown as string;
      rows[20]!.image = { bytes: new TextEncoder().encode('<html>404</html>'), path: 'COCO_val2014_broken.jpg' };
      rows[21]!.image = { bytes: null, path: '/home/someone/coco/COCO_val2014_000000000042.jpg' };
    },
  });
  await assert.rejects(load(folder), (error: DataError) => {
    assert.equal(error.file, file);
    assert.equal(error.field, 'row 9 (row group 1), column answers');
    assert.match(error.message, /: row 9 \(row group 1\), column answers: expected exactly 10 answers, found 9$/);
    return true;
  });
  const problems: DataProblem[] = [];
  const samples = await load(folder, (problem) => problems.push(problem));
  assert.equal(samples.length, 37);
  assert.deepEqual(
    problems.map((problem) => `${problem.field}: ${problem.message}`),
    [
      'row 9 (row group 1), column answers: expected exactly 10 answers, found 9',
      'row 12 (row group 1), column question: expected string, found null',
      'row 21 (row group 3), column image: the image has no bytes (it names the file "/home/someone/coco/COCO_val2014_000000000042.jpg", which the snapshot does not include)',
    ],
  );
  const check = await (await import('../../../tasks/data-check.js')).checkData(vqav2, folder, { split: 'val' });
  assert.deepEqual(check.splits, [{ split: 'val', found: true, questions: 37, images: 16, missingImages: 1 }]);
  const broken = check.problems.find((problem) => problem.field === 'row 20 (row group 2), column image');
  assert.match(broken?.message ?? '', /^cannot decode image: Input buffer contains unsupported image format/);
});

test('counting reads no image column: a snapshot without one is counted, and refused when run', async () => {
  const folder = temporaryFolder();
  const rows = [0, 1, 2].map((index) => ({ question_id: 7000 + index, image_id: 7, question: `question ${index}?`, answers: Array(10).fill('yes') }));
  writeParquetTable(
    path.join(folder, 'data', 'validation-00000-of-00001.parquet'),
    [
      { name: 'question_id', type: 'int64' },
      { name: 'image_id', type: 'int64' },
      { name: 'question', type: 'string' },
      { name: 'answers', type: 'string-list' },
    ],
    rows,
  );
  assert.equal(await countSamples(vqav2, folder, 'val'), 3);
  await assert.rejects(load(folder), /validation-00000-of-00001\.parquet: column image: missing; the file has "question_id", "image_id", "question", "answers"$/);
});

test('a folder with neither form names the official file missing and the Parquet files that would do', async () => {
  await assert.rejects(load(temporaryFolder()), /v2_OpenEnded_mscoco_val2014_questions\.json: vqav2 split "val" needs this file, but it is missing \(or the split's Parquet files: data\/validation-\*\.parquet\)$/);
});

test('the official files win when both are there; the fingerprint follows the files read', async () => {
  const folder = temporaryFolder();
  writeVqav2ParquetSnapshot(folder);
  const parquetFingerprint = await dataFingerprint(vqav2, folder, 'val');
  const [fromParquet] = await load(folder);
  assert.equal(fromParquet!.media[0]!.source, 'bytes');
  writeVqav2ParquetSnapshot(folder, { mutate: (rows) => void (rows[0]!.question = 'How many shapes are there now?') });
  assert.notEqual(await dataFingerprint(vqav2, folder, 'val'), parquetFingerprint);
  const official = bundledDataDir(vqav2);
  for (const name of ['v2_OpenEnded_mscoco_val2014_questions.json', 'v2_mscoco_val2014_annotations.json']) copyFileSync(path.join(official, name), path.join(folder, name));
  assert.equal(await dataFingerprint(vqav2, folder, 'val'), await dataFingerprint(vqav2, official, 'val'));
  // With the official files in place, images are looked up as files (here: absent, val2014/ was not copied).
  await assert.rejects(load(folder).then(async (samples) => readFileSync(String((samples[0]!.media[0] as { path: string }).path))), /ENOENT/);
});
