import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import type { BenchResult } from './types.js';

// `npm run bench` runs every benchmark; `npm run bench -- scoring onnx` runs the named ones.
// Figures print as tables and land in bench/out/<name>.json; bench/RESULTS.md records the latest.
const benches: Record<string, () => Promise<BenchResult>> = {
  scoring: async () => (await import('./scoring.js')).benchScoring(),
  startup: async () => (await import('./startup.js')).benchStartup(),
  onnx: async () => (await import('./onnx.js')).benchOnnx(),
  http: async () => (await import('./http.js')).benchHttp(),
  rices: async () => (await import('./rices.js')).benchRices(),
  video: async () => (await import('./video.js')).benchVideo(),
  memory: async () => (await import('./memory.js')).benchMemory(),
  checkpoint: async () => (await import('./checkpoint.js')).benchCheckpoint(),
  quantization: async () => (await import('./quantization.js')).benchQuantization(),
  parquet: async () => (await import('./parquet.js')).benchParquet(),
  'mmbench-tsv': async () => (await import('./mmbench-tsv.js')).benchMmbenchTsv(),
  gpu: async () => (await import('./gpu.js')).benchGpu(),
};

function printTable(result: BenchResult): void {
  const columns = [...new Set(result.rows.flatMap((row) => Object.keys(row)))];
  const table = new Table({ head: columns, style: { head: [], border: [] } });
  for (const row of result.rows) table.push(columns.map((column) => String(row[column] ?? '')));
  process.stdout.write(`\n## ${result.name}\n${table.toString()}\n${(result.notes ?? []).map((note) => `- ${note}`).join('\n')}\n`);
}

// Flags (`--dry-run`, `--config FILE`, ...) belong to the benches that read them: gpu.
const requested = process.argv.slice(2).filter((name, index, all) => !name.startsWith('-') && !(all[index - 1]?.startsWith('--') && !['--dry-run', '--prepare'].includes(all[index - 1])));
const unknown = requested.filter((name) => !(name in benches));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}\n`);
  process.exit(2);
}
const outDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out');
mkdirSync(outDirectory, { recursive: true });
// gpu needs a GPU machine (or --dry-run): it runs only when named.
for (const name of requested.length > 0 ? requested : Object.keys(benches).filter((bench) => bench !== 'gpu')) {
  process.stderr.write(`bench ${name}...\n`);
  const result = await benches[name]!();
  for (const section of [result, ...(result.sections ?? [])]) printTable(section);
  writeFileSync(path.join(outDirectory, `${name}.json`), `${JSON.stringify({ ...result, measuredAt: new Date().toISOString(), node: process.version }, null, 2)}\n`);
}
