// Reading MMBench's TSV at the size of the real MMBench_DEV_EN.tsv (VLMEvalKit layout: 1,164 questions,
// 4,329 passes, each image once, base64 inside): a synthetic file of 1,164 images of 60 KB and three
// more passes per question (4,656 rows: the real file has fewer, not every question has four options),
// then the whole read the task makes before its first sample (twice per run: the preflight and the run).
// Run alone with `node --import tsx bench/mmbench-tsv.ts`.

import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { readMmbenchTsv } from '../tasks/formats/mmbench-tsv.js';
import { ProblemSink } from '../tasks/formats/problem-sink.js';
import type { BenchResult } from './types.js';

const QUESTIONS = 1164;
const PASSES = 4;
const IMAGE_BYTES = 60_000;

async function writeSyntheticTsv(file: string): Promise<void> {
  const out = createWriteStream(file);
  const write = (text: string) => new Promise<void>((resolve) => (out.write(text) ? resolve() : out.once('drain', () => resolve())));
  await write('index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\timage\tsource\tl2-category\tcomment\tsplit\n');
  for (let pass = 0; pass < PASSES; pass++) {
    for (let question = 0; question < QUESTIONS; question++) {
      const image = pass === 0 ? randomBytes(IMAGE_BYTES).toString('base64') : String(question);
      await write(`${question + pass * 1_000_000}\tWhat is shown?\t"A hint\n\nover two paragraphs."\tcat\tdog\tbird\tfish\tA\timage_scene\t${image}\tsrc\tcoarse_perception\t\tdev\n`);
    }
  }
  await new Promise((resolve) => out.end(resolve));
}

export async function benchMmbenchTsv(): Promise<BenchResult> {
  const folder = mkdtempSync(path.join(tmpdir(), 'emu-eval-bench-mmbench-'));
  try {
    const file = path.join(folder, 'MMBench_DEV_EN.tsv');
    await writeSyntheticTsv(file);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    const { rows } = await readMmbenchTsv(file, new ProblemSink());
    const seconds = (performance.now() - started) / 1000;
    const megabytes = statSync(file).size / 1e6;
    return {
      name: 'MMBench TSV read (VLMEvalKit layout, dev size)',
      rows: [
        {
          file: `${megabytes.toFixed(1)} MB`,
          passes: rows.length,
          seconds: Number(seconds.toFixed(2)),
          'MB/s': Number((megabytes / seconds).toFixed(1)),
          'RSS growth (MB)': Math.round((process.memoryUsage().rss - rssBefore) / 1e6),
        },
      ],
      notes: ['every distinct image is held decoded once (shared by its passes) until the task has yielded its samples'],
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) console.log(JSON.stringify(await benchMmbenchTsv(), null, 2));
