// Benchmark of the OpenAI-compatible HTTP runner: how many requests per second the harness sustains
// against a zero-latency local server (448 px JPEGs, VQAv2's ~5 questions per image) at concurrency
// 1, 16 and 64, the harness's CPU time per request, and whether a server answering in 200 ms is kept
// saturated at concurrency 64 (ideal: 64 / 0.2 s = 320 requests/s).
// The server runs in its own process so its CPU is not counted as the harness's.
// Run alone with `node --import tsx bench/http.ts`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { Pool } from 'undici';
import { seededRandom } from '../core/random.js';
import { runInBatches } from '../evals/batch-pipeline.js';
import { evaluate } from '../evals/evaluate.js';
import { parseEndpoints } from '../runners/openai/endpoints.js';
import { createOpenAIRunner } from '../runners/openai/openai-runner.js';
import type { Request } from '../core/contracts/runner.js';
import type { BenchResult } from './types.js';

const IMAGE_SIZE = 448;
const QUESTIONS_PER_IMAGE = 5;
const QUESTION_COUNT = 8000;
const serverScript = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test/helpers/openai-test-server.ts');

/**
 * A VQAv2-format folder (questions, annotations, val2014/ JPEGs) big enough for every scenario, kept in
 * bench/out/ (gitignored) between runs: drawing 1600 images in JavaScript takes a while on 2 cores.
 */
async function ensureDataset(folder: string): Promise<{ imageBytes: number }> {
  const marker = path.join(folder, 'complete.json');
  if (existsSync(marker)) return JSON.parse(readFileSync(marker, 'utf8')) as { imageBytes: number };
  rmSync(folder, { recursive: true, force: true });
  const imageCount = Math.ceil(QUESTION_COUNT / QUESTIONS_PER_IMAGE);
  mkdirSync(path.join(folder, 'val2014'), { recursive: true });
  let imageBytes = 0;
  for (let image = 0; image < imageCount; image += 1) {
    // Gradients, blocks and noise: compresses like a photograph (~45 kB at 448 px, q90), not a flat test card.
    const pixels = Buffer.alloc(IMAGE_SIZE * IMAGE_SIZE * 3);
    const random = seededRandom(image + 1);
    for (let index = 0; index < pixels.length; index += 3) {
      const x = (index / 3) % IMAGE_SIZE;
      const y = Math.floor(index / 3 / IMAGE_SIZE);
      const noise = Math.floor(random() * 28);
      const inBlock = ((x >> 6) + (y >> 6) + image) % 3 === 0;
      pixels[index] = (inBlock ? 200 : x / 2 + image * 9 + noise) & 255;
      pixels[index + 1] = (inBlock ? 60 : y / 2 + noise) & 255;
      pixels[index + 2] = ((x + y) / 4 + image * 5 + noise) & 255;
    }
    const jpeg = await sharp(pixels, { raw: { width: IMAGE_SIZE, height: IMAGE_SIZE, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
    imageBytes += jpeg.length;
    writeFileSync(path.join(folder, 'val2014', `COCO_val2014_${String(image + 1).padStart(12, '0')}.jpg`), jpeg);
  }
  const questions = [];
  const annotations = [];
  // Grouped by image, as the VQAv2 files are (question_id = image_id × 1000 + k).
  for (let index = 0; index < QUESTION_COUNT; index += 1) {
    const imageId = Math.floor(index / QUESTIONS_PER_IMAGE) + 1;
    const questionId = imageId * 1000 + (index % QUESTIONS_PER_IMAGE);
    questions.push({ image_id: imageId, question: `Is there a shape number ${index} in the picture?`, question_id: questionId });
    const answers = Array.from({ length: 10 }, (_, answer) => ({ answer: 'yes', answer_confidence: 'yes', answer_id: answer + 1 }));
    annotations.push({ question_id: questionId, image_id: imageId, question_type: 'is there a', answer_type: 'yes/no', multiple_choice_answer: 'yes', answers });
  }
  writeFileSync(path.join(folder, 'v2_OpenEnded_mscoco_val2014_questions.json'), JSON.stringify({ info: {}, task_type: 'Open-Ended', data_type: 'mscoco', license: {}, data_subtype: 'val2014', questions }));
  writeFileSync(path.join(folder, 'v2_mscoco_val2014_annotations.json'), JSON.stringify({ info: {}, license: {}, data_subtype: 'val2014', annotations }));
  const summary = { imageBytes: imageBytes / imageCount };
  writeFileSync(marker, JSON.stringify(summary));
  return summary;
}

async function startServer(latencyMs: number): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', serverScript, '--fast', '--latency', String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`test server exited with ${code}`)));
  });
  return { url: (JSON.parse(firstLine) as { url: string }).url, process: child };
}

function stopServer(server: { process: ChildProcess }): Promise<void> {
  return new Promise((resolve) => {
    server.process.once('exit', () => resolve());
    server.process.kill('SIGTERM');
  });
}

interface Measurement {
  /** Completions counted in the steady-state window. */
  requests: number;
  seconds: number;
  cpuMicroseconds: number;
  meanLatencyMs: number;
  /** Requests per second over the whole run, first completion to last (ramp-up included). */
  wholeRunRate: number;
}

interface Mark {
  time: number;
  cpu: NodeJS.CpuUsage;
  completed: number;
}

/**
 * Steady state: from the completion that ends the warm-up (the first 10%: new connections, JIT) to the
 * last one. Start-up (reading the dataset) and the final aggregation fall outside.
 */
function steadyState(first: Mark, warm: Mark, last: Mark, latencies: number[]): Measurement {
  const cpu = process.cpuUsage(warm.cpu);
  const cpuAfterLast = process.cpuUsage(last.cpu);
  return {
    requests: last.completed - warm.completed,
    seconds: (last.time - warm.time) / 1000,
    cpuMicroseconds: cpu.user + cpu.system - (cpuAfterLast.user + cpuAfterLast.system),
    meanLatencyMs: latencies.reduce((sum, value) => sum + value, 0) / latencies.length,
    wholeRunRate: (last.completed - first.completed) / ((last.time - first.time) / 1000),
  };
}

const mark = (completed: number): Mark => ({ time: performance.now(), cpu: process.cpuUsage(), completed });

/** The full harness: task loading, request building, runner, scoring, samples.jsonl — as `emu-eval run` does it. */
async function measureRun(url: string, dataDir: string, concurrency: number, requests: number, options: { cache?: boolean } = {}): Promise<Measurement> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'emu-eval-bench-http-'));
  const warmUp = Math.max(concurrency, Math.floor(requests / 10));
  let completed = 0;
  let first: Mark | undefined;
  let warm: Mark | undefined;
  let last: Mark | undefined;
  try {
    const result = await evaluate({
      kind: 'run',
      tasks: ['vqav2'],
      model: `openai:${url}`,
      data: dataDir,
      limit: requests,
      outDir,
      protocol: 'emu2',
      normalize: 'official',
      // With the cache on, a fresh cache folder: every lookup misses and every answer is stored (a cold cache).
      runnerOptions: { modelName: 'bench-model', concurrency, ...(options.cache ? { cacheDir: path.join(outDir, 'cache') } : { noCache: true }) },
      command: ['bench', 'http'],
      onEvent: (event) => {
        if (event.type !== 'progress') return;
        completed += event.completed;
        last = mark(completed);
        first ??= last;
        if (!warm && completed >= warmUp) warm = last;
      },
    });
    const latencies = readFileSync(path.join(result.runDirectory, 'samples.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { latencyMs: number }).latencyMs);
    return steadyState(first!, warm!, last!, latencies);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * The runner alone, fed by the engine's batch pipeline with ready-made requests: the HTTP path's own
 * cost. Images cycle through all 1600, more than the encoder's memo holds: every request reads and
 * encodes its image (the worst case; real VQAv2 files group a picture's questions together).
 */
async function measureRunner(url: string, dataDir: string, concurrency: number, requests: number): Promise<Measurement & { finalLimit: number; limitCuts: number }> {
  const runner = createOpenAIRunner({ endpoints: parseEndpoints(url), modelName: 'bench-model', concurrency, requestTimeoutMs: 30_000 });
  const imageCount = Math.ceil(QUESTION_COUNT / QUESTIONS_PER_IMAGE);
  async function* items(): AsyncGenerator<Request> {
    for (let index = 0; index < requests; index += 1) {
      const file = path.join(dataDir, 'val2014', `COCO_val2014_${String((index % imageCount) + 1).padStart(12, '0')}.jpg`);
      yield { sampleId: String(index), parts: [{ type: 'image', source: { kind: 'image', path: file, root: dataDir } }, { type: 'text', text: `question ${index}` }], maxNewTokens: 10, numBeams: 1, stop: ['\n'] };
    }
  }
  const signal = new AbortController().signal;
  const warmUp = Math.max(concurrency, Math.floor(requests / 10));
  const latencies: number[] = [];
  let first: Mark | undefined;
  let warm: Mark | undefined;
  let last: Mark | undefined;
  await runInBatches(items(), { batchSize: runner.batchSize!, maxInFlight: runner.maxInFlight!, signal }, async (batch) => {
    const outputs = await runner.generate(batch, signal);
    for (const output of outputs) {
      if (output.finishReason === 'error') throw new Error(output.error);
      latencies.push(output.latencyMs);
    }
    last = mark(latencies.length);
    first ??= last;
    if (!warm && latencies.length >= warmUp) warm = last;
  });
  const { limit: finalLimit, decreases: limitCuts } = runner.concurrencyStats();
  await runner.close();
  return { ...steadyState(first!, warm!, last!, latencies), finalLimit, limitCuts };
}

/** A bare undici client posting same-sized bodies: what this machine and server allow, harness aside. */
async function measureBareClient(url: string, concurrency: number, requests: number, bodyBytes: number): Promise<Measurement> {
  const pool = new Pool(new URL(url).origin, { connections: concurrency });
  const body = Buffer.alloc(bodyBytes, 0x61);
  const warmUp = Math.max(concurrency, Math.floor(requests / 10));
  const latencies: number[] = [];
  let started = 0;
  let first: Mark | undefined;
  let warm: Mark | undefined;
  let last: Mark | undefined;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < requests) {
        started += 1;
        const sentAt = performance.now();
        const response = await pool.request({ method: 'POST', path: new URL(url).pathname + '/chat/completions', body, headers: { 'content-type': 'application/json' } });
        await response.body.text();
        latencies.push(performance.now() - sentAt);
        last = mark(latencies.length);
        first ??= last;
        if (!warm && latencies.length >= warmUp) warm = last;
      }
    }),
  );
  await pool.destroy();
  return steadyState(first!, warm!, last!, latencies);
}

function row(scenario: string, concurrency: number, measurement: Measurement, extra: Record<string, string | number> = {}): Record<string, string | number> {
  const rate = measurement.requests / measurement.seconds;
  return {
    scenario,
    concurrency,
    requests: measurement.requests,
    'req/s': Math.round(rate),
    'req/s whole run': Math.round(measurement.wholeRunRate),
    'harness CPU ms/req': (measurement.cpuMicroseconds / 1000 / measurement.requests).toFixed(3),
    'mean latency ms': measurement.meanLatencyMs.toFixed(1),
    // Little's law: the concurrency actually achieved.
    'mean in flight': ((rate * measurement.meanLatencyMs) / 1000).toFixed(1),
    ...extra,
  };
}

export async function benchHttp(): Promise<BenchResult> {
  const dataDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'out', `http-vqav2-${QUESTION_COUNT}-v2`);
  const rows: Array<Record<string, string | number>> = [];
  const { imageBytes } = await ensureDataset(dataDir);
  const loadBefore = loadavg()[0]!;
  const instant = await startServer(0);
  try {
    // Warm-up (JIT, connection pool) outside the figures.
    await measureRun(instant.url, dataDir, 16, 300);
    for (const [concurrency, requests] of [
      [1, 1500],
      [16, 6000],
      [64, 8000],
    ] as const) {
      rows.push(row('full run, 0 ms server', concurrency, await measureRun(instant.url, dataDir, concurrency, requests)));
    }
    rows.push(row('full run, cache on (cold), 0 ms server', 64, await measureRun(instant.url, dataDir, 64, 8000, { cache: true })));
    const runnerOnly = await measureRunner(instant.url, dataDir, 64, 8000);
    rows.push(row('runner only, no image reuse, 0 ms server', 64, runnerOnly, { 'adaptive limit at end': runnerOnly.finalLimit, 'limit cuts': runnerOnly.limitCuts }));
  } finally {
    await stopServer(instant);
  }
  const slow = await startServer(200);
  try {
    const measurement = await measureRun(slow.url, dataDir, 64, 64 * 40);
    const rate = measurement.requests / measurement.seconds;
    rows.push(row('full run, 200 ms server', 64, measurement, { 'vs ideal 320': `${((rate / 320) * 100).toFixed(1)}%` }));
    const bare = await measureBareClient(slow.url, 64, 64 * 40, Math.round((imageBytes * 4) / 3) + 400);
    rows.push(row('bare undici client (reference), 200 ms server', 64, bare, { 'vs ideal 320': `${((bare.requests / bare.seconds / 320) * 100).toFixed(1)}%` }));
  } finally {
    await stopServer(slow);
  }
  const notes = [
    `${QUESTION_COUNT} VQAv2-format questions over ${Math.ceil(QUESTION_COUNT / QUESTIONS_PER_IMAGE)} distinct ${IMAGE_SIZE}px JPEGs (mean ${(imageBytes / 1024).toFixed(0)} KiB), original bytes sent as base64; --no-cache`,
    'req/s and CPU: steady state, from the end of the warm-up (first 10% of completions: new connections, JIT) to the last completion; "req/s whole run" counts from the first completion. CPU is the harness process only (user + system, all threads); the server runs in a child process',
    '"full run" = evaluate(): task loading, request building, image encoding, HTTP, response validation, scoring and samples.jsonl; "runner only" = the runner fed ready-made requests',
    `1-minute load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after (the harness and the server together use about 2; more means other processes shared the cores)`,
  ];
  return { name: 'HTTP runner (OpenAI-compatible server on loopback)', rows, notes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchHttp();
  console.table(result.rows);
  for (const note of result.notes ?? []) console.log(`- ${note}`);
}
