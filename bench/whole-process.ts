// The whole command against the official evaluator, side by side in one bench run, at VQAv2-val size:
// 214,354 generated questions (test/reliability/vqa-dataset.ts: ~170 MB of questions + annotations
// JSON) and an official results file answering each.
//   official   python3 bench/official/vqa_eval.py  (vqa.py + vqaEval.py, driven as vqaEvalDemo.py does)
//   score      emu-eval score vqav2 --predictions results.json --data DIR
//   replay     emu-eval run vqav2 --model replay:results.json --data DIR
//   resume     the same replay command again on the finished run (reads samples.jsonl back, skips all)
//   data pass  the compiled vqav2 loader alone: every sample read, joined and checked, nothing else
//   start-up   emu-eval tasks
// Each is a child process: wall time and its own peak RSS. The engine's share of the replay run is
// (replay − data pass − start-up) / questions; of the resume, (resume − data pass − start-up) / questions.
// samples.jsonl and metrics.json are compared with those the code before this optimization wrote for
// the same input (hashes below; metrics.json with its generatedAt and runId masked).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VQAV2_VAL_ANNOTATIONS, VQAV2_VAL_QUESTIONS, writeVqaDataset } from '../test/reliability/vqa-dataset.js';
import { measureCli, measureNodeModule, measurePython, type Measurement } from './measure-process.js';
import type { BenchResult } from './types.js';

const QUESTION_COUNT = Number(process.env.EMU_EVAL_BENCH_QUESTIONS ?? 214_354);
const PYTHON = process.env.PYTHON ?? 'python3';
const benchFolder = path.dirname(fileURLToPath(import.meta.url));
const officialScript = path.join(benchFolder, 'official', 'vqa_eval.py');

/**
 * What emu-eval wrote for the 214,354-question input before the whole-process work (commit cea3eee):
 * SHA-256 of samples.jsonl (identical for score and replay) and of each metrics.json, masked.
 */
const REFERENCE = {
  samples: '6c287a7bdfb6484d971053f57fc246a0b3bd36db377f20423f31f57a4fa478f4',
  scoreMetrics: 'd46b462269e7c862acba326074fe33f514c53209e1de0fc8eca41a9ccb9a6aac',
  replayMetrics: 'c72abc96f815c4b4b6535ae00d48c48ba710ec71d7cf69ab344c543611765ec6',
};

function sha256File(file: string, mask = false): string {
  let content: string | Buffer = readFileSync(file);
  if (mask) content = content.toString('utf8').replace(/"generatedAt": "[^"]*"/, '"generatedAt": "-"').replace(/"runId": "[^"]*"/, '"runId": "-"');
  return createHash('sha256').update(content).digest('hex');
}

function onlyRunDirectory(out: string): string {
  return path.join(out, readdirSync(out)[0]!);
}

export interface WholeProcess {
  rows: BenchResult['rows'];
  notes: string[];
  ratio: { score: number; replay: number };
  identical: boolean | undefined;
}

export async function benchWholeProcess(): Promise<WholeProcess> {
  if (!existsSync(path.join(benchFolder, '..', 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` (npm ci does) so the bench times the command users run');
  }
  const work = mkdtempSync(path.join(tmpdir(), 'emu-eval-bench-whole-'));
  try {
    const data = path.join(work, 'vqav2');
    const predictions = path.join(work, 'results.json');
    await writeVqaDataset(data, QUESTION_COUNT, { predictionsFile: predictions, wrongEvery: 3 });
    const officialOut = path.join(work, 'official');
    mkdirSync(officialOut);
    const official = await measurePython(PYTHON, officialScript, [path.join(data, VQAV2_VAL_ANNOTATIONS), path.join(data, VQAV2_VAL_QUESTIONS), predictions, officialOut]);
    const startup = await measureCli(['tasks']);
    const loader = pathToFileURL(path.join(benchFolder, '..', 'dist', 'tasks', 'registry.js')).href;
    const dataPass = await measureNodeModule(
      `const { getTask } = await import(${JSON.stringify(loader)}); let n = 0; for await (const _ of getTask('vqav2').load({ dataDir: ${JSON.stringify(data)}, split: 'val', textOnly: true })) n++; if (n !== ${QUESTION_COUNT}) throw new Error('read ' + n);`,
    );
    const scoreOut = path.join(work, 'score');
    const score = await measureCli(['score', 'vqav2', '--predictions', predictions, '--data', data, '--out', scoreOut, '--quiet']);
    const replayOut = path.join(work, 'replay');
    const replayArgs = ['run', 'vqav2', '--model', `replay:${predictions}`, '--data', data, '--out', replayOut, '--quiet'];
    const replay = await measureCli(replayArgs);
    const replayDirectory = onlyRunDirectory(replayOut);
    const replaySamples = sha256File(path.join(replayDirectory, 'samples.jsonl'));
    const replayMetrics = sha256File(path.join(replayDirectory, 'metrics.json'), true);
    const resume = await measureCli(replayArgs);
    const scoreDirectory = onlyRunDirectory(scoreOut);
    const hashes = {
      samples: sha256File(path.join(scoreDirectory, 'samples.jsonl')),
      scoreMetrics: sha256File(path.join(scoreDirectory, 'metrics.json'), true),
      replaySamples,
      replayMetrics,
      resumedSamples: sha256File(path.join(replayDirectory, 'samples.jsonl')),
      resumedMetrics: sha256File(path.join(replayDirectory, 'metrics.json'), true),
    };
    const identical =
      QUESTION_COUNT === 214_354
        ? hashes.samples === REFERENCE.samples &&
          hashes.replaySamples === REFERENCE.samples &&
          hashes.resumedSamples === REFERENCE.samples &&
          hashes.scoreMetrics === REFERENCE.scoreMetrics &&
          hashes.replayMetrics === REFERENCE.replayMetrics &&
          hashes.resumedMetrics === REFERENCE.replayMetrics
        : undefined;
    const row = (command: string, measured: Measurement) => ({
      command,
      'wall s': measured.seconds.toFixed(2),
      'CPU s': measured.cpuSeconds.toFixed(2),
      'main-thread CPU s': measured.mainThreadCpuSeconds?.toFixed(2) ?? '-',
      'peak RSS MiB': measured.peakRssMiB.toFixed(0),
      'official / this (wall)': (official.seconds / measured.seconds).toFixed(1),
      'official / this (CPU)': (official.cpuSeconds / measured.cpuSeconds).toFixed(1),
    });
    const perSampleMicroseconds = (measured: Measurement) => (((measured.seconds - dataPass.seconds - startup.seconds) * 1e6) / QUESTION_COUNT).toFixed(1);
    return {
      rows: [
        row('official vqaEval.py (Python)', official),
        row('emu-eval score vqav2 --predictions', score),
        row('emu-eval run vqav2 --model replay:', replay),
        row('same run again: resume (reads samples.jsonl)', resume),
        row('data pass: the vqav2 loader alone', dataPass),
        row('emu-eval tasks (start-up)', startup),
      ],
      notes: [
        `${QUESTION_COUNT.toLocaleString('en-US')} questions; whole process, each command a child process; official = ${path.relative(path.join(benchFolder, '..'), officialScript)} under ${PYTHON}.`,
        `whole-process ratio (official / emu-eval), wall: score ${(official.seconds / score.seconds).toFixed(1)}x, replay ${(official.seconds / replay.seconds).toFixed(1)}x; CPU: score ${(official.cpuSeconds / score.cpuSeconds).toFixed(1)}x, replay ${(official.cpuSeconds / replay.cpuSeconds).toFixed(1)}x (target 25x)`,
        `engine per sample (run − data pass − start-up): replay ${perSampleMicroseconds(replay)} µs, resume ${perSampleMicroseconds(resume)} µs`,
        identical === undefined
          ? 'output identity: not checked (the reference hashes are for 214,354 questions)'
          : `output identical to the pre-optimization code's (samples.jsonl; metrics.json with generatedAt/runId masked), score, replay and resume: ${identical ? 'yes' : `NO ${JSON.stringify(hashes)}`}`,
      ],
      ratio: { score: official.seconds / score.seconds, replay: official.seconds / replay.seconds },
      identical,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
