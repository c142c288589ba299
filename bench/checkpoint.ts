// Checkpoint reading at scale: a ~1.5 GB sharded bf16 safetensors checkpoint and a ~1.5 GB fp16
// pytorch_model.bin, shaped like LLaMA layers plus one vocabulary-sized embedding, written to a temp dir;
// then, in a child process each, every tensor read and widened to float32. Reports throughput, the
// reader's peak RSS, and both extrapolated to Emu2-Chat (~74 GB fp16). The files were just written, so
// they are read from the page cache: this measures the readers (positioned reads + widening), not the disk.
// Run alone with `node --import tsx bench/checkpoint.ts`; EMU_EVAL_BENCH_CHECKPOINT_LAYERS=N for a smaller set.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type TensorSpecs, writeSafetensorsSharded, writeTorchBin } from '../test/helpers/checkpoint-writers.js';
import type { BenchResult } from './types.js';

const LAYERS = Number(process.env.EMU_EVAL_BENCH_CHECKPOINT_LAYERS ?? 40);
const HIDDEN = 4096;
const VOCABULARY = 32000;
// Emu2-Chat: LLaMA-33B (hidden 6,656) + EVA-CLIP-E, ~37 B parameters; its largest tensors are the
// ~32k × 6,656 embedding and lm_head: 0.85 GB each once widened to float32.
const EMU2_BYTES = 74e9;
const EMU2_LARGEST_F32 = 32000 * 6656 * 4;
const reader = path.join(path.dirname(fileURLToPath(import.meta.url)), 'checkpoint-read.ts');

/** LAYERS 4096² projections (32 MiB each in 16 bits) and a 32,000 × 4,096 embedding (250 MiB). */
function tensors(dtype: 'BF16' | 'F16'): TensorSpecs {
  const fill = (index: number, count: number) => () => new Float32Array(count).fill((index % 100) / 4);
  const specs: TensorSpecs = { 'tensor.0.embed_tokens.weight': { dtype, shape: [VOCABULARY, HIDDEN], data: fill(0, VOCABULARY * HIDDEN) } };
  for (let i = 1; i <= LAYERS; i++) specs[`tensor.${i}.proj.weight`] = { dtype, shape: [HIDDEN, HIDDEN], data: fill(i, HIDDEN * HIDDEN) };
  return specs;
}

interface ReadFigures {
  tensors: number;
  elements: number;
  largest: number;
  openSeconds: number;
  readSeconds: number;
  touchSeconds: number;
  maxRssKiB: number;
}

function readInChild(folder: string): Promise<ReadFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', reader, folder], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(stdout) as ReadFigures) : reject(new Error(`checkpoint-read exited ${code}: ${stderr.slice(-2000)}`))));
  });
}

function folderBytes(folder: string): number {
  return readdirSync(folder).reduce((sum, name) => sum + statSync(path.join(folder, name)).size, 0);
}

const MB = 1e6;
const MIB = 1024 * 1024;

export async function benchCheckpoint(): Promise<BenchResult> {
  const work = mkdtempSync(path.join(tmpdir(), 'emu-eval-bench-checkpoint-'));
  try {
    const layouts = [
      { label: 'safetensors, 4 shards, BF16', write: (dir: string) => writeSafetensorsSharded(dir, tensors('BF16'), 4) },
      { label: 'pytorch_model.bin, F16', write: (dir: string) => writeTorchBin(path.join(dir, 'pytorch_model.bin'), tensors('F16')) },
    ];
    const rows: BenchResult['rows'] = [];
    const notes: string[] = [];
    for (const layout of layouts) {
      const dir = path.join(work, layout.label.replace(/\W+/g, '-'));
      mkdirSync(dir);
      const writeStarted = performance.now();
      layout.write(dir);
      const writeSeconds = (performance.now() - writeStarted) / 1000;
      const bytes = folderBytes(dir);
      const figures = await readInChild(dir);
      const rate = bytes / figures.readSeconds;
      const peakMiB = figures.maxRssKiB / 1024;
      const largestF32MiB = (figures.largest * 4) / MIB;
      // Memory follows the largest tensor: the same overhead above it, with Emu2's largest in its place.
      const emu2PeakGiB = (peakMiB - largestF32MiB + EMU2_LARGEST_F32 / MIB) / 1024;
      rows.push({
        checkpoint: layout.label,
        'on disk GB': (bytes / 1e9).toFixed(2),
        tensors: figures.tensors,
        'open ms': (figures.openSeconds * 1000).toFixed(0),
        'read all s': figures.readSeconds.toFixed(2),
        'MB/s': (rate / MB).toFixed(0),
        'alloc+touch floor s': figures.touchSeconds.toFixed(2),
        'peak RSS MiB': peakMiB.toFixed(0),
        'largest tensor f32 MiB': largestF32MiB.toFixed(0),
        'Emu2 74 GB: read s': (EMU2_BYTES / rate).toFixed(0),
        'Emu2: peak RSS GiB': emu2PeakGiB.toFixed(2),
      });
      notes.push(`${layout.label}: written in ${writeSeconds.toFixed(1)} s by the test writers`);
    }
    notes.push(
      'read from the page cache (files just written): reader throughput, not disk; a cold 74 GB read is bounded by the disk instead',
      'alloc+touch floor: the time to allocate and first touch the same float32 arrays without reading anything, in the same child after reading; what is left of "read all" is the readers\' own cost',
      'peak RSS = the reading child\'s own maxRSS; the Emu2 column swaps the largest tensor here for Emu2\'s (~32k × 6,656 float32, 0.85 GB)',
    );
    return { name: `Checkpoint reading (${LAYERS} layers + embedding per checkpoint)`, rows, notes };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchCheckpoint();
  console.table(result.rows);
  for (const note of result.notes ?? []) console.log(`- ${note}`);
}
