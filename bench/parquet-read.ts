// Child process of bench/parquet.ts. `write FILE ROWS GROUP_ROWS` generates the file (in its own
// process, so the reader's peak RSS never includes the writer's); `read FILE` streams every row the way a
// task reads a snapshot (row group by row group, each image's bytes hashed into a MediaRef) and prints
// one JSON line with its timing and its own peak RSS (Linux carries a parent's high-water mark into a
// spawned child, so the parent stays small too).
import { writeFileSync } from 'node:fs';
import { imageFromBytes } from '../core/media-ref.js';
import { readParquetRows } from '../tasks/formats/parquet-rows.js';
import { writeImageRows } from '../test/helpers/parquet-snapshots.js';

const [mode, file, rowCount, groupRows] = process.argv.slice(2);
if (mode === 'write') {
  writeFileSync(file!, Buffer.from(writeImageRows(Number(rowCount), 150 * 1024, Number(groupRows))));
} else {
  const startRssKiB = process.resourceUsage().maxRSS;
  const started = performance.now();
  let rows = 0;
  let imageBytes = 0;
  for await (const row of readParquetRows(file!, ['question_id', 'image'])) {
    const image = imageFromBytes((row.values.image as { bytes: Uint8Array }).bytes, { file: file!, field: `row ${row.row}` });
    imageBytes += image.bytes.length;
    rows += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ rows, imageBytes, seconds, startRssKiB, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}
