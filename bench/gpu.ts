// `npm run bench -- gpu`: LLaVA-1.5-7B-shaped decode throughput on a CUDA GPU without internet, in one
// script that fits 10 minutes set-up included and can be run again in the same sitting (the runtime and
// the model are cached under --work). Steps:
//   1. the CUDA build of onnxruntime-node from the tarballs in bench/gpu-vendor (./gpu/cuda-runtime.ts);
//   2. a random-weight fp16 export of bench/configs/llava-1.5-7b.json with fused attention (export --random);
//   3. a child process with CUDA's libraries on LD_LIBRARY_PATH runs the runner's own generation at batch
//      1, 8 and 32 on both decode routes — the step loop (KV cache through host memory every step, as
//      onnxruntime-node does on CUDA) and the graph decode loop (prefill and all tokens in one session run)
//      — with N and 2N new tokens, so the difference is N tokens' work (./gpu/measure-generation.ts);
//      a second child opens the sessions at onnxruntime's verbose log level and counts the nodes each
//      execution provider was given;
//   4. the figures beside the bandwidth limit: a decode step reads every decoder weight once, so it cannot
//      take less than decoder weight bytes / HBM bandwidth.
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
import { PLACEMENT_ROUTE_MARK, type DecodeRoute, type MeasureResult, type MeasureSpec, type RouteMeasurement } from './gpu/measure-generation.js';
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
  /** N: each batch generates N and 2N tokens. */
  newTokens: number;
  repeats: number;
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
    newTokens: number('--tokens', dryRun ? 8 : 32),
    repeats: number('--repeats', 3),
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

  // 3. The measurements, in children that start with LD_LIBRARY_PATH set.
  const spec: MeasureSpec = {
    runtime,
    model,
    provider: options.dryRun ? 'cpu' : 'cuda',
    mode: 'time',
    routes: ['step', 'graph'],
    promptLength: options.promptLength,
    newTokens: options.newTokens,
    repeats: options.repeats,
    batches: BATCHES,
  };
  const result = JSON.parse(lastJsonLine(runChild(spec, env), 'the measurement')) as MeasureResult;
  const placement = nodePlacement(runChild({ ...spec, mode: 'placement' }, env));

  // 4. Against the bandwidth limit.
  const bandwidth = options.bandwidth ?? HBM_BANDWIDTH.find(([pattern]) => pattern.test(result.device))?.[1];
  const limitMs = bandwidth === undefined ? undefined : (decoderBytes / bandwidth) * 1000;
  // A run of 2N tokens no slower than one of N means noise swamped N tokens' work: no figure then.
  const resolved = (row: RouteMeasurement) => row.tokenMs > 0;
  const tokensPerSecond = (row: RouteMeasurement) => (row.batch * 1000) / row.tokenMs;
  const figure = (row: RouteMeasurement, value: number, digits: number) => (resolved(row) ? value.toFixed(digits) : 'noise');
  const rows = result.measurements.map((row) => ({
    route: ROUTE_LABELS[row.route],
    batch: row.batch,
    [`${options.newTokens} tokens ms`]: row.shortMs.toFixed(1),
    [`${2 * options.newTokens} tokens ms`]: row.longMs.toFixed(1),
    'ms per token': figure(row, row.tokenMs, 2),
    'tokens/s': figure(row, tokensPerSecond(row), 1),
    [options.dryRun ? 'process RSS MiB' : 'GPU memory MiB']: row.memoryMiB.toFixed(0),
    'per token / weights limit': limitMs === undefined ? 'n/a' : figure(row, row.tokenMs / limitMs, 2),
  }));
  if (!result.measurements.every(resolved)) notes.push(`"noise": the ${2 * options.newTokens}-token run was not slower than the ${options.newTokens}-token one, so timing noise exceeds ${options.newTokens} tokens' work there (raise --tokens)`);
  notes.push(
    `${result.device}, onnxruntime-node ${result.ortVersion}, ${options.attention} attention; decoder weights ${(decoderBytes / 2 ** 30).toFixed(2)} GiB; image prompts of ${options.promptLength} tokens, greedy, no EOS; ms per token = (time for ${2 * options.newTokens} new tokens − time for ${options.newTokens}) / ${options.newTokens}, the fastest of ${options.repeats} runs after a warm-up`,
    `set-up ${(setupMs / 1000).toFixed(1)} s; export ${exportSeconds === undefined ? 'reused from an earlier run' : `${exportSeconds.toFixed(0)} s`}; session load ${Object.entries(result.sessionLoadMs).map(([route, ms]) => `${route} ${(ms / 1000).toFixed(1)} s`).join(', ')}`,
  );
  if (limitMs === undefined) notes.push(`bandwidth limit: unknown for ${result.device} (pass --bandwidth-gbs N)`);
  else notes.push(`bandwidth limit per token at batch 1: ${limitMs.toFixed(2)} ms (decoder weights / ${(bandwidth! / 1e12).toFixed(2)} TB/s)`);
  for (const route of spec.routes) {
    const measured = result.measurements.filter((row) => row.route === route);
    const first = measured[0];
    const last = measured[measured.length - 1];
    const speedup = tokensPerSecond(last) / tokensPerSecond(first);
    const verdicts = [
      resolved(first) && resolved(last)
        ? `batch ${last.batch} gives ${speedup.toFixed(1)}× batch ${first.batch}'s tokens/s — goal ≥ ${GOALS.batch32Speedup}×: ${speedup >= GOALS.batch32Speedup ? 'met' : 'NOT met'}`
        : `batch ${last.batch} versus batch ${first.batch}: not resolved (noise)`,
    ];
    if (limitMs !== undefined) {
      const ratio = first.tokenMs / limitMs;
      verdicts.unshift(resolved(first) ? `batch ${first.batch} takes ${ratio.toFixed(2)}× the bandwidth limit per token — goal ≤ ${GOALS.batch1VersusLimit}×: ${ratio <= GOALS.batch1VersusLimit ? 'met' : 'NOT met'}` : `batch ${first.batch} versus the bandwidth limit: not resolved (noise)`);
    }
    notes.push(`${ROUTE_LABELS[route]}: ${verdicts.join('; ')}${options.dryRun ? ' (dry run on CPU: the goals are for the GPU)' : ''}`);
    notes.push(`${ROUTE_LABELS[route]}: nodes per execution provider (onnxruntime's verbose placement log, subgraphs included): ${placement[route] ?? 'not logged'}`);
  }
  return { name: options.dryRun ? 'GPU decode throughput (dry run on CPU)' : 'GPU decode throughput', rows, notes };
}

const ROUTE_LABELS: Record<DecodeRoute, string> = {
  step: 'step loop (KV cache via host)',
  graph: 'graph decode loop',
};

function runChild(spec: MeasureSpec, env: NodeJS.ProcessEnv): { stdout: string; stderr: string } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(BENCH, 'gpu', 'measure-generation.ts'), JSON.stringify(spec)], { env, encoding: 'utf8', maxBuffer: 256 * 2 ** 20, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.status !== 0) {
    const tail = child.stderr.trim().split('\n').filter((line) => !PLACEMENT_LINE.test(line)).slice(-6).join('\n');
    throw new Error(`the ${spec.mode === 'time' ? 'measurement' : 'placement check'} failed: ${tail} (exit ${child.status ?? child.signal})`);
  }
  return child;
}

function lastJsonLine(output: { stdout: string }, what: string): string {
  const lastLine = output.stdout.trim().split('\n').pop() ?? '';
  if (!lastLine.startsWith('{')) throw new Error(`${what} printed no result: ${lastLine}`);
  return lastLine;
}

const PLACEMENT_LINE = /(?:All nodes|Node\(s\)) placed on \[(\w+)\]\. Number of nodes: (\d+)/;

/**
 * Sums onnxruntime's verbose "All nodes placed on [EP]. Number of nodes: N" / "Node(s) placed on [EP]. …"
 * lines (one set per graph and subgraph) per route, e.g. "CUDAExecutionProvider 2140, CPUExecutionProvider 12".
 */
export function nodePlacement(output: { stderr: string }): Partial<Record<DecodeRoute, string>> {
  const byRoute: Partial<Record<DecodeRoute, string>> = {};
  let counts = new Map<string, number>();
  for (const line of output.stderr.split('\n')) {
    const placed = PLACEMENT_LINE.exec(line);
    if (placed) counts.set(placed[1], (counts.get(placed[1]) ?? 0) + Number(placed[2]));
    else if (line.startsWith(PLACEMENT_ROUTE_MARK)) {
      const route = line.slice(PLACEMENT_ROUTE_MARK.length).trim() as DecodeRoute;
      byRoute[route] = counts.size === 0 ? undefined : [...counts].map(([provider, count]) => `${provider} ${count}`).join(', ');
      counts = new Map();
    }
  }
  return byRoute;
}
