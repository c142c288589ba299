// `npm run bench -- gpu`: LLaVA-1.5-7B-shaped decode throughput on a CUDA GPU without internet, in one
// script that fits 10 minutes set-up included and can be run again in the same sitting (the runtime and
// the model are cached under --work). Steps:
//   1. the CUDA build of onnxruntime-node from the tarballs in bench/gpu-vendor (./gpu/cuda-runtime.ts);
//   2. a random-weight fp16 export of bench/configs/llava-1.5-7b.json with fused attention (export --random);
//   3. a child process with CUDA's libraries on LD_LIBRARY_PATH times the image encoder, a prefill and
//      cached decode steps at batch 1, 8 and 32 (./gpu/measure-decoder.ts);
//   4. the figures beside the bandwidth limit: a decode step reads every decoder weight once, so it cannot
//      take less than decoder weight bytes / HBM bandwidth (plus the KV cache it reads).
// --dry-run runs every step on the CPU with bench/configs/llava-tiny.json in seconds (the vendor runtime
// too when bench/gpu-vendor holds it), so the script is known to work before it meets the GPU.
// --prepare (on a machine with the npm registry) packs the vendor tarballs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXPORT_FORMAT_VERSION } from '../runners/export/export-checkpoint.js';
import { ATTENTION_KINDS, type AttentionKind } from '../runners/export/graph/fused-attention.js';
import { exportRandomModel } from '../runners/export/random/export-random.js';
import { findCudaLibraries, installCudaRuntime, missingVendorTarballs, prepareVendor } from './gpu/cuda-runtime.js';
import type { MeasureResult, MeasureSpec } from './gpu/measure-decoder.js';
import type { BenchResult } from './types.js';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const BATCHES = [1, 8, 32];
/** Per-device HBM bandwidth (bytes/s) by nvidia-smi name, from the vendors' data sheets. */
const HBM_BANDWIDTH: Array<[RegExp, number]> = [
  [/H200/i, 4.8e12],
  [/H100.*(PCIe)/i, 2.0e12],
  [/H100.*NVL/i, 3.9e12],
  [/H100/i, 3.35e12],
  [/A100.*80GB/i, 2.039e12],
  [/A100/i, 1.555e12],
  [/L40S/i, 0.864e12],
  [/L4\b/i, 0.3e12],
];
const GOALS = { batch1VersusLimit: 1.3, batch32Speedup: 15 };

export interface GpuBenchOptions {
  dryRun: boolean;
  prepare: boolean;
  config: string;
  vendor: string;
  work: string;
  promptLength: number;
  decodeSteps: number;
  bandwidth?: number;
  /** The decoder's attention form (default fused: the CUDA kernels; plain to compare). */
  attention: AttentionKind;
}

export function parseGpuOptions(argv: string[]): GpuBenchOptions {
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const dryRun = argv.includes('--dry-run');
  const number = (flag: string, fallback: number) => {
    const given = value(flag);
    if (given === undefined) return fallback;
    const parsed = Number(given);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`${flag} ${given}: expected a positive number`);
    return parsed;
  };
  return {
    dryRun,
    prepare: argv.includes('--prepare'),
    config: path.resolve(value('--config') ?? path.join(BENCH, 'configs', dryRun ? 'llava-tiny.json' : 'llava-1.5-7b.json')),
    vendor: path.resolve(value('--vendor') ?? path.join(BENCH, 'gpu-vendor')),
    work: path.resolve(value('--work') ?? path.join(BENCH, 'out', 'gpu-work')),
    // LLaVA-1.5's prompt: 576 image features and a question with the chat template around it.
    promptLength: number('--prompt', dryRun ? 24 : 640),
    decodeSteps: number('--steps', dryRun ? 4 : 32),
    bandwidth: value('--bandwidth-gbs') === undefined ? undefined : number('--bandwidth-gbs', 0) * 1e9,
    attention: attentionKind(value('--attention')),
  };
}

function attentionKind(given: string | undefined): AttentionKind {
  if (given === undefined) return 'fused';
  if (!(ATTENTION_KINDS as readonly string[]).includes(given)) throw new Error(`--attention ${given}: expected one of ${ATTENTION_KINDS.join(', ')}`);
  return given as AttentionKind;
}

export async function benchGpu(argv: string[] = process.argv.slice(2)): Promise<BenchResult> {
  const options = parseGpuOptions(argv);
  const notes: string[] = [];
  const log = (line: string) => process.stderr.write(`gpu: ${line}\n`);
  if (options.prepare) {
    const sizes = prepareVendor(options.vendor);
    return { name: 'GPU vendor tarballs', rows: sizes.map((line) => ({ tarball: line })), notes: [`packed into ${options.vendor}; copy it with the repository to the GPU machine`] };
  }

  // 1. The runtime.
  const setupStarted = performance.now();
  let runtime: string | undefined;
  const env = { ...process.env };
  if (missingVendorTarballs(options.vendor).length === 0) {
    runtime = installCudaRuntime(options.vendor, path.join(options.work, 'runtime'));
    notes.push(`onnxruntime-node from ${path.relative(process.cwd(), options.vendor)} (CUDA provider of com.github.asus4.onnxruntime.linux-x64-gpu)`);
  } else if (options.dryRun) {
    notes.push(`dry run: ${path.relative(process.cwd(), options.vendor)} has no vendor tarballs, so the project's onnxruntime-node runs it (the GPU run needs them: --prepare)`);
  } else {
    runtime = installCudaRuntime(options.vendor, path.join(options.work, 'runtime')); // throws, naming what is missing and how to get it
  }
  if (!options.dryRun) {
    const { folders, missing } = findCudaLibraries();
    if (missing.length > 0) throw new Error(`CUDA 13 libraries not found: ${missing.join(', ')} (searched LD_LIBRARY_PATH, /usr/local/cuda, Python's nvidia-* wheels); add their folder to LD_LIBRARY_PATH`);
    env.LD_LIBRARY_PATH = [...folders, ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean)].join(':');
  }
  const setupMs = performance.now() - setupStarted;

  // 2. The model, exported once per config and exporter version.
  const configText = readFileSync(options.config, 'utf8');
  const key = createHash('sha256').update(`${EXPORT_FORMAT_VERSION}\n${configText}`).digest('hex').slice(0, 12);
  const model = path.join(options.work, `model-${path.basename(options.config, '.json')}-${options.attention}-${key}`);
  let exportSeconds: number | undefined;
  if (!existsSync(path.join(model, 'config.json'))) {
    log(`exporting ${path.basename(options.config)} with random weights into ${model}`);
    const result = await exportRandomModel(options.config, model, { dtype: 'fp16', attention: options.attention });
    exportSeconds = result.seconds;
  }
  const decoderBytes = ['decoder_model_merged_fp16.onnx', 'decoder_model_merged_fp16.onnx_data'].reduce((sum, file) => sum + statSync(path.join(model, 'onnx', file)).size, 0);

  // 3. The measurements, in a child that starts with LD_LIBRARY_PATH set.
  const spec: MeasureSpec = {
    runtime,
    model,
    provider: options.dryRun ? 'cpu' : 'cuda',
    kvLocation: options.dryRun ? 'cpu' : 'gpu-buffer',
    promptLength: options.promptLength,
    decodeSteps: options.decodeSteps,
    warmupSteps: 2,
    batches: BATCHES,
  };
  let measured = measure(spec, env);
  if ('error' in measured && spec.kvLocation === 'gpu-buffer') {
    notes.push(`KV cache on the GPU failed (${measured.error.split('\n').slice(-3).join(' ')}); measured with the KV cache copied through host memory instead`);
    measured = measure({ ...spec, kvLocation: 'cpu' }, env);
  }
  if ('error' in measured) throw new Error(`the measurement failed: ${measured.error}`);
  const result = measured;

  // 4. Against the bandwidth limit.
  const bandwidth = options.bandwidth ?? HBM_BANDWIDTH.find(([pattern]) => pattern.test(result.device))?.[1];
  const limitMs = bandwidth === undefined ? undefined : (decoderBytes / bandwidth) * 1000;
  const tokensPerSecond = (row: MeasureResult['batches'][number]) => (row.batch * 1000) / row.stepMsMedian;
  const rows = result.batches.map((row) => ({
    batch: row.batch,
    'prefill ms': row.prefillMs.toFixed(1),
    'decode step ms (median)': row.stepMsMedian.toFixed(2),
    'decode step ms (mean)': row.stepMsMean.toFixed(2),
    'tokens/s': tokensPerSecond(row).toFixed(1),
    [options.dryRun ? 'process RSS MiB' : 'GPU memory MiB']: row.memoryMiB.toFixed(0),
    'KV cache MiB': row.kvCacheMiB.toFixed(0),
    'step / bandwidth limit': limitMs === undefined ? 'n/a' : (row.stepMsMedian / (limitMs + kvReadMs(row.kvCacheMiB, bandwidth!))).toFixed(2),
  }));
  const [first] = result.batches;
  const last = result.batches[result.batches.length - 1];
  const speedup = tokensPerSecond(last) / tokensPerSecond(first);
  notes.push(
    `${result.device}, onnxruntime-node ${result.ortVersion}, ${options.attention} attention; decoder weights ${(decoderBytes / 2 ** 30).toFixed(2)} GiB; prompt ${options.promptLength} tokens, ${options.decodeSteps} timed decode steps after 2 warm-up steps; image encoder ${result.visionMs.toFixed(1)} ms at batch 1`,
    `set-up ${(setupMs / 1000).toFixed(1)} s; export ${exportSeconds === undefined ? 'reused from an earlier run' : `${exportSeconds.toFixed(0)} s`}; session load ${(result.sessionLoadMs / 1000).toFixed(1)} s`,
  );
  if (limitMs !== undefined) {
    const ratio = first.stepMsMedian / limitMs;
    notes.push(`bandwidth limit at batch 1: ${limitMs.toFixed(2)} ms (weights / ${(bandwidth! / 1e12).toFixed(2)} TB/s); the step takes ${ratio.toFixed(2)}× that — goal ≤ ${GOALS.batch1VersusLimit}×: ${ratio <= GOALS.batch1VersusLimit ? 'met' : 'NOT met'}`);
  } else notes.push(`bandwidth limit: unknown for ${result.device} (pass --bandwidth-gbs N)`);
  notes.push(`batch ${last.batch} gives ${speedup.toFixed(1)}× batch ${first.batch}'s tokens/s — goal ≥ ${GOALS.batch32Speedup}×: ${speedup >= GOALS.batch32Speedup ? 'met' : 'NOT met'}${options.dryRun ? ' (dry run on CPU: the goals are for the GPU)' : ''}`);
  return { name: options.dryRun ? 'GPU decode throughput (dry run on CPU)' : 'GPU decode throughput', rows, notes };
}

/** Reading the KV cache at this size costs on top of the weights. */
function kvReadMs(kvCacheMiB: number, bandwidth: number): number {
  return ((kvCacheMiB * 2 ** 20) / bandwidth) * 1000;
}

function measure(spec: MeasureSpec, env: NodeJS.ProcessEnv): MeasureResult | { error: string } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(BENCH, 'gpu', 'measure-decoder.ts'), JSON.stringify(spec)], { env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, stdio: ['ignore', 'pipe', 'pipe'] });
  const lastLine = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status === 0 && lastLine.startsWith('{')) return JSON.parse(lastLine) as MeasureResult;
  return { error: `${child.stderr.trim().split('\n').slice(-6).join('\n')} (exit ${child.status ?? child.signal})` };
}
