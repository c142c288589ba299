import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { aggregate } from '../../../scoring/aggregate.js';
import { metricsRecordSchema, runRecordSchema, sampleRecordSchema, type RunRecord, type SampleRecord } from '../../../artifact/schema.js';
import { seededRandom } from '../../../core/random.js';

// Valid run directories written directly through the artifact schema: the bundled samples have ~40
// questions per task, and the regression tests need thousands.

export interface SyntheticRunOptions {
  runId: string;
  task?: string;
  metric?: string;
  /** Per-sample scores (null = an error sample); sample ids are q0, q1, ... */
  scores: ReadonlyArray<number | null>;
  /** Per-sample outputs (default: "answer-<score>"). */
  outputs?: readonly string[];
  shots?: number;
  version?: number;
  fingerprint?: string;
  protocol?: string;
  normalize?: 'official' | 'always';
  model?: string;
  status?: RunRecord['status'];
  /** Recorded frame sampling (runs holding video tasks). */
  video?: RunRecord['config']['video'];
  /** The task's recorded scoring rule (absent: a run from before rules were recorded). */
  scoringRule?: string;
}

export function writeSyntheticRun(folder: string, options: SyntheticRunOptions): string {
  const task = options.task ?? 'vqav2';
  const metric = options.metric ?? (task === 'gqa' ? 'exact_match' : 'vqa_accuracy');
  const shots = options.shots ?? 0;
  const protocol = options.protocol ?? 'emu2';
  const normalize = options.normalize ?? 'official';
  const runDirectory = path.join(folder, options.runId);
  mkdirSync(runDirectory, { recursive: true });
  const now = new Date().toISOString();
  const record: RunRecord = runRecordSchema.parse({
    schemaVersion: 1,
    id: options.runId,
    kind: 'run',
    status: options.status ?? 'finished',
    command: ['emu-eval', 'synthetic'],
    configHash: 'synthetic',
    config: { tasks: [task], model: options.model ?? 'synthetic-model', protocol, extraction: 'short-answer', normalize, shots: [shots], seeds: [0], maxNewTokens: 10, numBeams: 1, ...(options.video ? { video: options.video } : {}) },
    model: { spec: options.model ?? 'synthetic-model', id: options.model ?? 'synthetic-model', runner: 'replay', notes: [] },
    tasks: [{ id: task, version: options.version ?? 1, metric, split: 'val', hasAnswers: true, dataDir: '/data/synthetic', bundledSample: false, fingerprint: options.fingerprint ?? 'fingerprint-1', ...(options.scoringRule ? { scoringRule: options.scoringRule } : {}) }],
    protocol: { id: protocol, extraction: 'short-answer', maxNewTokens: 10, numBeams: 1 },
    environment: { emuEval: '0.0.0', node: process.version, platform: process.platform, packages: {} },
    warnings: [],
    createdAt: now,
    updatedAt: now,
    ...(options.status === 'finished' || options.status === undefined ? { finishedAt: now } : {}),
    attempts: 1,
  });
  writeFileSync(path.join(runDirectory, 'run.json'), JSON.stringify(record));
  const samples: SampleRecord[] = options.scores.map((score, index) =>
    sampleRecordSchema.parse({
      task,
      sampleId: `q${index}`,
      shots,
      trial: 0,
      demoIds: [],
      promptHash: 'synthetic',
      output: options.outputs?.[index] ?? (score === null ? '' : `answer-${score}`),
      finishReason: score === null ? 'error' : 'stop',
      extracted: options.outputs?.[index] ?? (score === null ? '' : `answer-${score}`),
      score,
      ...(score === null ? { error: 'synthetic failure' } : {}),
      latencyMs: 1,
      meta: {},
    }),
  );
  writeFileSync(path.join(runDirectory, 'samples.jsonl'), samples.map((sample) => `${JSON.stringify(sample)}\n`).join(''));
  const metrics = aggregate(
    samples.map((sample) => ({ score: sample.score, error: sample.finishReason === 'error', meta: sample.meta })),
    { task, split: 'val', metric, normalize, extraction: 'short-answer', shots, trial: 0, hasAnswers: true },
  );
  writeFileSync(path.join(runDirectory, 'metrics.json'), JSON.stringify(metricsRecordSchema.parse({ schemaVersion: 1, runId: options.runId, generatedAt: now, results: [metrics] })));
  return runDirectory;
}

/** 0/1 scores with the given accuracy, reproducible from the seed. */
export function binaryScores(count: number, accuracy: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => (random() < accuracy ? 1 : 0));
}

/** VQA-accuracy-like scores (0, 0.3, 0.6, 0.9, 1), reproducible from the seed. */
export function vqaScores(count: number, seed: number): number[] {
  const random = seededRandom(seed);
  const levels = [0, 0, 0.3, 0.6, 0.9, 1, 1, 1, 1, 1];
  return Array.from({ length: count }, () => levels[Math.floor(random() * levels.length)]!);
}

/** Copies the scores and sets `count` of those `from` accepts (chosen by seed) to `to`. */
export function changeScores(scores: readonly number[], count: number, from: (score: number, index: number) => boolean, to: (score: number) => number, seed: number): number[] {
  const random = seededRandom(seed);
  const changed = [...scores];
  const candidates = changed.map((score, index) => (from(score, index) ? index : -1)).filter((index) => index >= 0);
  for (let left = count; left > 0; left--) {
    const pick = Math.floor(random() * candidates.length);
    const index = candidates.splice(pick, 1)[0]!;
    changed[index] = to(changed[index]!);
  }
  return changed;
}
