import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DataProblem, Sample } from '../../../core/contracts/task.js';
import { canonicalJson, sha256 } from '../../../core/hash.js';
import { PREPARED_SPLIT_FORMAT, preparedSplitDirectory } from '../../../tasks/formats/prepared-split-cache.js';
import { loadVqaFormat, type VqaFormatLayout } from '../../../tasks/formats/vqa-format-reader.js';
import { vqaV2AnnotationSchema } from '../../../tasks/formats/vqa-format-schemas.js';
import type { JoinBatchesSource, SampleBatch } from '../../../tasks/formats/vqa-join-protocol.js';
import { startJoinWorker } from '../../../tasks/formats/vqa-worker-samples.js';
import { temporaryFolder } from '../dataset-folders.js';

// The prepared-split cache through the reader's worker path (tiny files: workerMinBytes 1, batches of
// 3 samples): a second read of an unchanged split replays the entry the first one stored, with the
// same samples and the same problems in the same order; a changed file, an early stop, a corrupt entry
// and EMU_EVAL_DATA_CACHE=off each behave as documented. Each worker start compiles the reader under
// tsx (~0.5 s), so the scenarios share reads.

const saved = { cache: process.env.EMU_EVAL_CACHE, data: process.env.EMU_EVAL_DATA_CACHE };
before(() => delete process.env.EMU_EVAL_DATA_CACHE);
after(() => {
  for (const [name, value] of [['EMU_EVAL_CACHE', saved.cache], ['EMU_EVAL_DATA_CACHE', saved.data]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** A fresh, empty cache folder for the test that calls it. */
function freshCache(): void {
  process.env.EMU_EVAL_CACHE = temporaryFolder('emu-eval-prepared-');
}

function entries(): string[] {
  const folder = preparedSplitDirectory();
  return existsSync(folder) ? readdirSync(folder) : [];
}

const LAYOUT: VqaFormatLayout = {
  taskId: 'vqav2',
  annotationSchema: vqaV2AnnotationSchema,
  splits: [{ name: 'val', questionsFile: 'q.json', annotationsFile: 'a.json', imageFolder: 'val2014' }],
};

/** `questionCount` questions, three per image; `broken` adds a duplicate question id, a missing annotation and an image_id mismatch. */
function writeDataset(questionCount: number, broken = false): string {
  const questions: Array<Record<string, unknown>> = [];
  const annotations: Array<Record<string, unknown>> = [];
  for (let index = 0; index < questionCount; index++) {
    const imageId = 100 + Math.floor(index / 3);
    const questionId = imageId * 1000 + (index % 3);
    questions.push({ image_id: imageId, question: `What is ${index}?`, question_id: questionId });
    if (broken && index === 4) continue;
    const answers = Array.from({ length: 10 }, (_, answer) => ({ answer: answer % 3 === 0 ? 'no' : `yes ${index % 2}`, answer_confidence: 'yes', answer_id: answer + 1 }));
    annotations.push({ question_type: 'what is', multiple_choice_answer: 'yes 0', answers, image_id: broken && index === 7 ? 999 : imageId, answer_type: 'other', question_id: questionId });
  }
  if (broken) questions.splice(6, 0, { ...questions[2]!, question: 'A duplicate' });
  const folder = temporaryFolder();
  writeFileSync(path.join(folder, 'q.json'), JSON.stringify({ questions }));
  writeFileSync(path.join(folder, 'a.json'), JSON.stringify({ info: {}, annotations }));
  return folder;
}

type Event = ['sample', Sample] | ['problem', DataProblem] | ['error', string, string | undefined];

interface Read {
  events: Event[];
  /** Where the worker's batches came from; undefined when the read did not reach the end (an error, an early stop). */
  source: JoinBatchesSource | undefined;
}

async function read(folder: string, { collecting = true, stopAfter = Number.POSITIVE_INFINITY, batchSamples = 3 } = {}): Promise<Read> {
  const events: Event[] = [];
  let source: JoinBatchesSource | undefined;
  const onProblem = collecting ? (problem: DataProblem) => void events.push(['problem', problem]) : undefined;
  const readerOptions = { workerMinBytes: 1, workerBatchSamples: batchSamples, onWorkerEnd: (end: JoinBatchesSource) => (source = end) };
  try {
    for await (const sample of loadVqaFormat(LAYOUT, { dataDir: folder, split: 'val', textOnly: true, onProblem }, readerOptions)) {
      events.push(['sample', sample]);
      if (events.length >= stopAfter) break;
    }
  } catch (error) {
    events.push(['error', (error as Error).message, (error as { field?: string }).field]);
  }
  return { events, source };
}

function withDataCacheOff<T>(run: () => Promise<T>): Promise<T> {
  process.env.EMU_EVAL_DATA_CACHE = 'off';
  return run().finally(() => delete process.env.EMU_EVAL_DATA_CACHE);
}

/** The one entry besides `others`. */
function entryFile(others: string[] = []): string {
  const names = entries().filter((name) => !others.includes(name));
  assert.equal(names.length, 1, `one new entry in ${preparedSplitDirectory()}: ${names.join(', ')}`);
  assert.match(names[0]!, /^[0-9a-f]{64}\.split$/);
  return path.join(preparedSplitDirectory(), names[0]!);
}

describe('prepared-split cache', () => {
  it('replays a clean split from its entry; a changed file and a corrupt entry are misses that read the files', async () => {
    freshCache();
    const folder = writeDataset(10);
    const cold = await read(folder);
    assert.equal(cold.source, 'files');
    assert.equal(cold.events.filter(([kind]) => kind === 'sample').length, 10);
    const firstEntry = path.basename(entryFile());
    const warm = await read(folder);
    assert.equal(warm.source, 'entry');
    assert.deepEqual(warm.events, cold.events);

    // One annotation rewritten (another size and modification time): a miss that gives the new content.
    const annotationsFile = path.join(folder, 'a.json');
    writeFileSync(annotationsFile, readFileSync(annotationsFile, 'utf8').replace('"multiple_choice_answer":"yes 0"', '"multiple_choice_answer":"changed"'));
    utimesSync(annotationsFile, new Date(), new Date(Date.now() + 10_000));
    const changed = await read(folder);
    assert.equal(changed.source, 'files');
    const first = changed.events[0]!;
    assert.equal(first[0] === 'sample' && first[1].meta?.multipleChoiceAnswer, 'changed');
    assert.deepEqual(changed.events.slice(1), cold.events.slice(1));
    // The unchanged split's entry stays (it is pruned as the least recently used).
    const entry = entryFile([firstEntry]);

    // A truncated entry and one with garbage bytes in the middle: read from the files, the entry written again.
    const size = readFileSync(entry).length;
    truncateSync(entry, Math.floor(size / 2));
    const afterTruncation = await read(folder);
    assert.equal(afterTruncation.source, 'files');
    assert.deepEqual(afterTruncation.events, changed.events);
    assert.equal(entryFile([firstEntry]), entry);
    const bytes = readFileSync(entry);
    assert.equal(bytes.length, size, 'the entry was written again');
    bytes.fill(0x5a, Math.floor(size / 3), Math.floor(size / 3) + 16);
    writeFileSync(entry, bytes);
    const afterGarbage = await read(folder);
    assert.equal(afterGarbage.source, 'files');
    assert.deepEqual(afterGarbage.events, changed.events);
    const rewritten = await read(folder);
    assert.equal(rewritten.source, 'entry');
    assert.deepEqual(rewritten.events, changed.events);
  });

  it('replays a broken split with the same problems in the same order, collecting and throwing; EMU_EVAL_DATA_CACHE=off writes nothing', async () => {
    freshCache();
    const folder = writeDataset(12, true);
    const parsed = await withDataCacheOff(() => read(folder));
    const parsedThrowing = await withDataCacheOff(() => read(folder, { collecting: false }));
    assert.equal(parsed.source, 'files');
    assert.deepEqual(entries(), [], 'the cache off writes nothing');
    const problems = parsed.events.filter(([kind]) => kind === 'problem').map(([, problem]) => (problem as DataProblem).message);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems.join('\n'), /question_id 101001 has no annotation[^]*duplicate question_id 100002[^]*expected image_id 102/);
    assert.equal(parsedThrowing.events.at(-1)![0], 'error');

    const cold = await read(folder);
    assert.equal(cold.source, 'files');
    assert.deepEqual(cold.events, parsed.events);
    const warm = await read(folder);
    assert.equal(warm.source, 'entry');
    assert.deepEqual(warm.events, parsed.events);
    assert.deepEqual(await read(folder, { collecting: false }), parsedThrowing);
  });

  it('stores nothing for a read stopped early', async () => {
    freshCache();
    // One sample per batch and more batches than the worker may send ahead: it is still reading when the reader stops.
    const folder = writeDataset(45);
    const stopped = await read(folder, { stopAfter: 2, batchSamples: 1 });
    assert.equal(stopped.events.length, 2);
    assert.equal(stopped.source, undefined);
    assert.deepEqual(entries(), [], 'no entry and no temp file');
  });
});

/**
 * The batches the join sends for a fixed small broken split, pinned by the SHA-256 of their canonical
 * JSON. An entry replays these batches as they were stored: when what the join sends changes, entries
 * written before would replay the old form.
 */
const GOLDEN = { format: 1, digest: 'd483998f271d64e86ad71b1d307c6581b46e793186e8099bb42a4a46aa39f7f5' };

it('the batches of a fixed split are as pinned (else bump PREPARED_SPLIT_FORMAT)', async () => {
  freshCache();
  const folder = writeDataset(12, true);
  const batches: SampleBatch[] = [];
  await withDataCacheOff(async () => {
    const worker = startJoinWorker({
      dataDir: folder,
      questionsFile: path.join(folder, 'q.json'),
      annotationsFile: path.join(folder, 'a.json'),
      schema: 'vqav2',
      imageFolder: 'val2014',
      imagePrefix: undefined,
      expectedAnnotations: 12,
      samplesPerBatch: 5,
    });
    try {
      for (let batch = await worker.next(); batch; batch = await worker.next()) batches.push(batch);
    } finally {
      await worker.close();
    }
  });
  const rendering = canonicalJson(batches.map((batch) => ({ ...batch, numbers: [...batch.numbers], stringRefs: [...batch.stringRefs] }))).replaceAll(folder, '<data>');
  const digest = sha256(rendering);
  assert.equal(
    digest,
    GOLDEN.digest,
    `The batches the VQA join sends changed. Prepared entries written before would replay the old batches: bump PREPARED_SPLIT_FORMAT in tasks/formats/prepared-split-cache.ts to ${PREPARED_SPLIT_FORMAT + 1}, then set GOLDEN here to { format: ${PREPARED_SPLIT_FORMAT + 1}, digest: '${digest}' }.`,
  );
  assert.equal(GOLDEN.format, PREPARED_SPLIT_FORMAT, `the pinned batches are those of format ${GOLDEN.format}: update GOLDEN with PREPARED_SPLIT_FORMAT`);
});
