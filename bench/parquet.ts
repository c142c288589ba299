// Memory and speed of reading a Parquet snapshot with embedded images: a generated file shaped like an
// lmms-lab split (one image struct per row, row groups of 100 rows as `datasets` writes them), read in a
// child process whose peak RSS is the reader's alone. Run alone with `node --import tsx bench/parquet.ts`;
// EMU_EVAL_BENCH_PARQUET_ROWS=N changes the row count (default 2,000 rows of 150 KiB: 300 MiB).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './types.js';

interface ReadResult {
  rows: number;
  imageBytes: number;
  seconds: number;
  startRssKiB: number;
  maxRssKiB: number;
}

function inChild(args: string[]): Promise<string> {
  const script = fileURLToPath(new URL('./parquet-read.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`bench/parquet-read.ts ${args[0]} exited ${code}: ${stderr}`))));
  });
}

export async function benchParquet(): Promise<BenchResult> {
  const rows = Number(process.env.EMU_EVAL_BENCH_PARQUET_ROWS ?? 2000);
  const folder = mkdtempSync(path.join(tmpdir(), 'emu-eval-bench-parquet-'));
  const results: BenchResult['rows'] = [];
  try {
    for (const rowGroupSize of [100, 1000]) {
      const file = path.join(folder, `images-${rowGroupSize}.parquet`);
      await inChild(['write', file, String(rows), String(rowGroupSize)]);
      const size = statSync(file).size;
      const read = JSON.parse(await inChild(['read', file])) as ReadResult;
      if (read.rows !== rows) throw new Error(`read ${read.rows} of ${rows} rows`);
      results.push({
        'rows per group': rowGroupSize,
        rows,
        'file MiB': (size / 2 ** 20).toFixed(0),
        'read s': read.seconds.toFixed(2),
        'MiB/s': (read.imageBytes / 2 ** 20 / read.seconds).toFixed(0),
        'peak RSS MiB': (read.maxRssKiB / 1024).toFixed(0),
        'RSS before reading MiB': (read.startRssKiB / 1024).toFixed(0),
        'RSS growth MiB': ((read.maxRssKiB - read.startRssKiB) / 1024).toFixed(0),
      });
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return {
    name: 'Parquet snapshot reading (row group by row group, images hashed)',
    rows: results,
    notes: ['images are 150 KiB of incompressible bytes each (snappy pages); peak RSS is the reading process alone, Node + tsx included'],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchParquet();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
