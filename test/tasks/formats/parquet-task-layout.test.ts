import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { sha256 } from '../../../core/hash.js';
import type { DataProblem, Sample, SplitInfo } from '../../../core/contracts/task.js';
import { loadOfficialOrParquet, withParquetFiles, type ParquetTaskLayout } from '../../../tasks/formats/parquet-task-layout.js';
import { temporaryFolder } from '../../helpers/cli.js';
import { writeParquetTable } from '../../helpers/parquet-snapshots.js';

// Rows with several images: MMMU-style image_1 … image_n columns (empty ones skipped) and a list column.

const rowSchema = z.object({ id: z.string(), question: z.string() });
const layout: ParquetTaskLayout<z.infer<typeof rowSchema>> = {
  taskId: 'many-images',
  splits: { test: { rows: 'data/test-*.parquet' } },
  columns: ['id', 'question'],
  rowSchema,
  image: { columns: ['image_1', 'image_2', 'frames'] },
  toSample: (row) => ({ id: row.id, question: row.question, answers: [], meta: {} }),
};
const splits: SplitInfo[] = withParquetFiles([{ name: 'test', hasAnswers: false, files: ['test.json'] }], layout);
const picture = (name: string) => ({ bytes: new TextEncoder().encode(`picture ${name}`), path: `${name}.png` });

async function load(dataDir: string, onProblem?: (problem: DataProblem) => void): Promise<Sample[]> {
  const official = async function* (): AsyncGenerator<Sample> {
    throw new Error('the official reader must not run: its files are absent');
  };
  const samples: Sample[] = [];
  for await (const sample of loadOfficialOrParquet(layout, splits, official)({ dataDir, split: 'test', onProblem })) samples.push(sample);
  return samples;
}

test('images come from every image column in order, list cells one by one, empty cells skipped; a row without any is named', async () => {
  const dataDir = temporaryFolder();
  assert.deepEqual(splits[0]!.parquet, ['data/test-*.parquet']);
  writeParquetTable(
    path.join(dataDir, 'data', 'test-00000-of-00001.parquet'),
    [
      { name: 'id', type: 'string' },
      { name: 'question', type: 'string' },
      { name: 'image_1', type: 'image' },
      { name: 'image_2', type: 'image' },
      { name: 'frames', type: 'image-list' },
    ],
    [
      { id: 'a', question: 'one image?', image_1: picture('a1') },
      { id: 'b', question: 'three?', image_1: picture('b1'), image_2: picture('b2'), frames: [] },
      { id: 'c', question: 'frames?', frames: [picture('c1'), picture('c2')] },
      { id: 'd', question: 'none?' },
    ],
  );
  const problems: DataProblem[] = [];
  const samples = await load(dataDir, (problem) => problems.push(problem));
  const shown = samples.map((sample) => [sample.id, sample.media.map((media) => (media.source === 'bytes' ? `${media.origin.field}: ${new TextDecoder().decode(media.bytes)}` : 'a file'))]);
  assert.deepEqual(shown, [
    ['a', ['row 0 (row group 0), column image_1: picture a1']],
    ['b', ['row 1 (row group 0), column image_1: picture b1', 'row 1 (row group 0), column image_2: picture b2']],
    ['c', ['row 2 (row group 0), column frames[0]: picture c1', 'row 2 (row group 0), column frames[1]: picture c2']],
  ]);
  assert.ok(samples.every((sample) => sample.media.every((media) => media.source === 'bytes' && media.sha256 === sha256(media.bytes))));
  assert.deepEqual(problems.map((problem) => `${problem.field}: ${problem.message}`), ['row 3 (row group 0): no image in image_1, image_2, frames']);
  await assert.rejects(load(dataDir), /test-00000-of-00001\.parquet: row 3 \(row group 0\): no image in image_1, image_2, frames/);
});
