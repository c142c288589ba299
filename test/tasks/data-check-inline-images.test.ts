import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { imageFromBytes } from '../../core/media-ref.js';
import type { Sample, TaskAdapter } from '../../core/contracts/task.js';
import { checkData } from '../../tasks/data-check.js';
import { goodImages } from '../helpers/images.js';
import { inlineImageTask } from '../helpers/inline-image-task.js';
import { temporaryFolder } from './dataset-folders.js';

/** A task whose one split file holds its images, as a Parquet dataset does: samples carry bytes. */
function bytesTask(images: Buffer[]): TaskAdapter {
  return inlineImageTask([{ name: 'val', hasAnswers: true, files: ['val.parquet'] }], async function* ({ dataDir }): AsyncIterable<Sample> {
    const file = path.join(dataDir, 'val.parquet');
    for (const [row, bytes] of images.entries()) {
      yield { id: `q${row}`, question: 'what?', answers: ['yes'], media: [imageFromBytes(bytes, { file, field: `row ${row}, column image` })], meta: {} };
    }
  });
}

test('data check reads the headers of images carried as bytes: distinct by content, undecodable ones listed with file, row and question', async () => {
  const dataDir = temporaryFolder();
  writeFileSync(path.join(dataDir, 'val.parquet'), 'stands in for the split file');
  const good = await goodImages();
  const jpeg = good.find((image) => image.format === 'jpeg')!.bytes;
  const png = good.find((image) => image.format === 'png')!.bytes;
  const htmlPage = Buffer.from('<html>403 Forbidden</html>');
  // Row 1 repeats row 0's picture (one image, asked about twice); row 3 is no image.
  const report = await checkData(bytesTask([jpeg, Buffer.from(jpeg), png, htmlPage]), dataDir);
  assert.deepEqual(report.splits, [{ split: 'val', found: true, questions: 4, images: 3, missingImages: 1 }]);
  assert.equal(report.problems.length, 1);
  const [problem] = report.problems;
  assert.equal(problem!.file, path.join(dataDir, 'val.parquet'));
  assert.equal(problem!.field, 'row 3, column image');
  assert.match(problem!.message, /^cannot decode image: Input buffer contains unsupported image format.* \(needed by question q3\)$/);
});

test('data check goes through more images carried as bytes than it checks at once', async () => {
  const dataDir = temporaryFolder();
  writeFileSync(path.join(dataDir, 'val.parquet'), 'stands in for the split file');
  const png = (await goodImages()).find((image) => image.format === 'png')!.bytes;
  // Distinct contents (a trailing byte after IEND), more of them than the 32 checks in flight.
  const images = Array.from({ length: 70 }, (_, index) => Buffer.concat([png, Buffer.from([index])]));
  images[50] = Buffer.alloc(0);
  const report = await checkData(bytesTask(images), dataDir);
  assert.deepEqual(report.splits, [{ split: 'val', found: true, questions: 70, images: 70, missingImages: 1 }]);
  assert.equal(report.problems[0]!.field, 'row 50, column image');
});
