// Peak memory at VQAv2-val size: 214,354 generated questions (questions + annotations JSON as
// distributed, ~150 MB) and an official results file with an answer for each. Measures the CLI as a
// user runs it, in a child process, for
//   (a) emu-eval score vqav2 --predictions results.json --data DIR
//   (b) emu-eval run vqav2 --model replay:results.json --data DIR
// reporting wall time and peak RSS (the child's own maxRSS, read at exit through a preloaded hook).
// Run alone with `node --import tsx bench/memory.ts`; EMU_EVAL_BENCH_QUESTIONS=N for a smaller set.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { VQAV2_VAL_ANNOTATIONS, VQAV2_VAL_QUESTIONS, writeVqaDataset } from '../test/reliability/vqa-dataset.js';
import { measureCli } from './measure-process.js';
import type { BenchResult } from './types.js';

const QUESTION_COUNT = Number(process.env.EMU_EVAL_BENCH_QUESTIONS ?? 214_354);
const HEAP_CAP_MIB = 256;
const mib = (bytes: number) => (bytes / 1048576).toFixed(0);

export async function benchMemory(): Promise<BenchResult> {
  const work = mkdtempSync(path.join(tmpdir(), 'emu-eval-bench-memory-'));
  try {
    const data = path.join(work, 'vqav2');
    const predictions = path.join(work, 'results.json');
    const generatedAt = performance.now();
    await writeVqaDataset(data, QUESTION_COUNT, { predictionsFile: predictions, wrongEvery: 3 });
    const generation = (performance.now() - generatedAt) / 1000;
    const sizes = {
      questions: statSync(path.join(data, VQAV2_VAL_QUESTIONS)).size,
      annotations: statSync(path.join(data, VQAV2_VAL_ANNOTATIONS)).size,
      predictions: statSync(predictions).size,
    };
    const baseline = await measureCli(['tasks', '--json']);
    const score = await measureCli(['score', 'vqav2', '--predictions', predictions, '--data', data, '--out', path.join(work, 'score'), '--quiet']);
    const run = await measureCli(['run', 'vqav2', '--model', `replay:${predictions}`, '--data', data, '--out', path.join(work, 'run'), '--quiet']);
    const runDirectory = path.join(work, 'run', readdirSync(path.join(work, 'run'))[0]!);
    // V8 lets garbage pile up when the heap limit is generous; with the JS heap capped the same commands
    // must still finish, which they could not if any stage held the 170 MB of JSON as objects.
    const capped = [`--max-old-space-size=${HEAP_CAP_MIB}`];
    const scoreCapped = await measureCli(['score', 'vqav2', '--predictions', predictions, '--data', data, '--out', path.join(work, 'score-capped'), '--quiet'], capped);
    const runCapped = await measureCli(['run', 'vqav2', '--model', `replay:${predictions}`, '--data', data, '--out', path.join(work, 'run-capped'), '--quiet'], capped);
    const samplesBytes = statSync(path.join(runDirectory, 'samples.jsonl')).size;
    const rows = [
      { command: 'emu-eval tasks (start-up floor)', questions: '-', 'wall s': baseline.seconds.toFixed(1), 'peak RSS MiB': baseline.peakRssMiB.toFixed(0) },
      { command: 'score vqav2 --predictions results.json', questions: QUESTION_COUNT, 'wall s': score.seconds.toFixed(1), 'peak RSS MiB': score.peakRssMiB.toFixed(0) },
      { command: 'run vqav2 --model replay:results.json', questions: QUESTION_COUNT, 'wall s': run.seconds.toFixed(1), 'peak RSS MiB': run.peakRssMiB.toFixed(0) },
      { command: `score, JS heap capped at ${HEAP_CAP_MIB} MiB`, questions: QUESTION_COUNT, 'wall s': scoreCapped.seconds.toFixed(1), 'peak RSS MiB': scoreCapped.peakRssMiB.toFixed(0) },
      { command: `run, JS heap capped at ${HEAP_CAP_MIB} MiB`, questions: QUESTION_COUNT, 'wall s': runCapped.seconds.toFixed(1), 'peak RSS MiB': runCapped.peakRssMiB.toFixed(0) },
    ];
    return {
      name: `Peak memory at VQAv2-val size (${QUESTION_COUNT.toLocaleString('en-US')} questions)`,
      rows,
      notes: [
        `input: questions ${mib(sizes.questions)} MiB, annotations ${mib(sizes.annotations)} MiB, results.json ${mib(sizes.predictions)} MiB (generated in ${generation.toFixed(0)} s); samples.jsonl written by the run: ${mib(samplesBytes)} MiB`,
        'peak RSS = the CLI process\'s own maxRSS (getrusage), read as it exits; wall time includes start-up (~0.3 s) and the summary table',
        'dataset files are streamed element by element; what grows with the question count is the predictions map (replay/score, ~15 MiB live at 214k), the set of finished sample keys (resume, ~25 MiB) and the per-sample scores kept for the bootstrap CI (~16 MiB); the rest of the uncapped peak is garbage V8 has not yet collected',
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchMemory();
  console.table(result.rows);
  for (const note of result.notes ?? []) console.log(`- ${note}`);
}
