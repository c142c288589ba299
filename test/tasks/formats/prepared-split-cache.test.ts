import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DataProblem, Sample } from '../../../core/contracts/task.js';
import { canonicalJson, sha256 } from '../../../core/hash.js';
import { deserializeBatch, PREPARED_SPLIT_FORMAT, PREPARED_SPLITS_KEPT, preparedBatches, PreparedSplitRecorder, preparedSplitDirectory, type PreparedSplitFields } from '../../../tasks/formats/prepared-split-cache.js';
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
  // Settled files, as a dataset is: one modified just now is never remembered (file-identity.ts).
  for (const file of ['q.json', 'a.json']) backdate(path.join(folder, file), 60_000);
  return folder;
}

function backdate(file: string, ageMs: number): void {
  const then = new Date(Date.now() - ageMs);
  utimesSync(file, then, then);
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

/** Reads the split (collecting) and checks where its batches came from and what it gave. */
async function assertRead(folder: string, source: JoinBatchesSource, events: Event[]): Promise<void> {
  const again = await read(folder);
  assert.equal(again.source, source);
  assert.deepEqual(again.events, events);
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
    await assertRead(folder, 'entry', cold.events);

    // One annotation rewritten (another size and modification time): a miss that gives the new content.
    const annotationsFile = path.join(folder, 'a.json');
    writeFileSync(annotationsFile, readFileSync(annotationsFile, 'utf8').replace('"multiple_choice_answer":"yes 0"', '"multiple_choice_answer":"changed"'));
    backdate(annotationsFile, 10_000);
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
    await assertRead(folder, 'files', changed.events);
    assert.equal(entryFile([firstEntry]), entry);
    const bytes = readFileSync(entry);
    assert.equal(bytes.length, size, 'the entry was written again');
    bytes.fill(0x5a, Math.floor(size / 3), Math.floor(size / 3) + 16);
    writeFileSync(entry, bytes);
    await assertRead(folder, 'files', changed.events);
    await assertRead(folder, 'entry', changed.events);
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

    await assertRead(folder, 'files', parsed.events);
    await assertRead(folder, 'entry', parsed.events);
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

describe('prepared-split entries on disk', () => {
  const folder = writeDataset(3);
  const fields = (samplesPerBatch: number): PreparedSplitFields => ({
    dataDir: folder,
    questionsFile: path.join(folder, 'q.json'),
    annotationsFile: path.join(folder, 'a.json'),
    schema: 'vqav2',
    imageFolder: 'val2014',
    imagePrefix: `${folder}/`,
    samplesPerBatch,
  });
  const batch = (count: number): SampleBatch => ({
    kind: 'batch',
    count,
    numbers: new Float64Array(count * 3).fill(count),
    questions: Array.from({ length: count }, (_, index) => `q${index}`),
    strings: ['yes'],
    stringRefs: new Int32Array(count * 4),
    imagePaths: undefined,
    problems: [[{ file: 'a.json', field: 'annotations[0]', message: 'a problem' }]],
    problemsBefore: [count],
  });
  async function store(samplesPerBatch: number, batches: SampleBatch[]): Promise<void> {
    const recorder = PreparedSplitRecorder.start(fields(samplesPerBatch))!;
    for (const each of batches) recorder.add(each);
    await recorder.store();
  }
  const setAge = (file: string, ageMs: number) => utimesSync(file, new Date(Date.now() - ageMs), new Date(Date.now() - ageMs));

  it('stores batches that come back as they went, keyed by the fields; nothing is hashed', async () => {
    freshCache();
    assert.equal(await preparedBatches(fields(2)), undefined);
    const batches = [batch(2), batch(1)];
    await store(2, batches);
    // Files are known by where and what they are on disk, never by hashing their contents.
    assert.equal(existsSync(path.join(process.env.EMU_EVAL_CACHE!, 'file-digests')), false);
    const replayed = (await preparedBatches(fields(2)))!.map(deserializeBatch);
    assert.deepEqual(replayed, batches);
    // Typed arrays with buffers of their own: posting a view into the entry would copy the whole entry.
    for (const { numbers, stringRefs } of replayed) assert.deepEqual([numbers.buffer.byteLength, stringRefs.buffer.byteLength], [numbers.byteLength, stringRefs.byteLength]);
    assert.equal(await preparedBatches(fields(3)), undefined, 'another samplesPerBatch is another entry');
    assert.deepEqual(await preparedBatches({ ...fields(2), expectedAnnotations: 99 } as PreparedSplitFields), (await preparedBatches(fields(2)))!, 'expectedAnnotations is no part of the key');
    const entry = path.join(preparedSplitDirectory(), entries()[0]!);
    const bytes = readFileSync(entry);
    for (const [what, broken] of [
      ['another magic', Buffer.concat([Buffer.from('X'), bytes.subarray(1)])],
      ['another format', Buffer.from(bytes).fill(0xff, 8, 12)],
      ['a batch more', Buffer.concat([bytes, Buffer.from([0, 0, 0, 0])])],
      ['empty', Buffer.alloc(0)],
    ] as const) {
      writeFileSync(entry, broken);
      assert.equal(await preparedBatches(fields(2)), undefined, what);
    }
    process.env.EMU_EVAL_DATA_CACHE = 'off';
    try {
      assert.equal(PreparedSplitRecorder.start(fields(2)), undefined);
      writeFileSync(entry, bytes);
      assert.equal(await preparedBatches(fields(2)), undefined, 'the cache off reads nothing');
    } finally {
      delete process.env.EMU_EVAL_DATA_CACHE;
    }
    assert.equal((await preparedBatches(fields(2)))!.length, 2);
  });

  it(`keeps the ${PREPARED_SPLITS_KEPT} most recently used entries and deletes temp files left by killed processes`, async () => {
    freshCache();
    const directory = preparedSplitDirectory();
    await store(1, [batch(1)]);
    const first = entries()[0]!;
    setAge(path.join(directory, first), 60_000);
    for (let samplesPerBatch = 2; samplesPerBatch <= PREPARED_SPLITS_KEPT; samplesPerBatch++) {
      await store(samplesPerBatch, [batch(1)]);
      const [newest] = entries().filter((name) => statSync(path.join(directory, name)).mtimeMs > Date.now() - 1000);
      setAge(path.join(directory, newest!), 50_000 - samplesPerBatch * 1000);
    }
    assert.equal(entries().length, PREPARED_SPLITS_KEPT);
    // Using the oldest entry makes it the most recently used: the next one written deletes the second oldest.
    assert.ok(await preparedBatches(fields(1)));
    const secondOldest = entries().sort((a, b) => statSync(path.join(directory, a)).mtimeMs - statSync(path.join(directory, b)).mtimeMs)[0]!;
    assert.notEqual(secondOldest, first);
    writeFileSync(path.join(directory, `.${first}.123.tmp`), 'half an entry');
    setAge(path.join(directory, `.${first}.123.tmp`), 2 * 60 * 60 * 1000);
    writeFileSync(path.join(directory, `.${first}.456.tmp`), 'being written now');
    await store(PREPARED_SPLITS_KEPT + 1, [batch(1)]);
    const left = entries();
    assert.equal(left.filter((name) => name.endsWith('.split')).length, PREPARED_SPLITS_KEPT);
    assert.ok(left.includes(first), 'the entry used last stays');
    assert.ok(!left.includes(secondOldest), 'the least recently used is deleted');
    assert.ok(!left.includes(`.${first}.123.tmp`), 'a stale temp file is deleted');
    assert.ok(left.includes(`.${first}.456.tmp`), 'a temp file being written stays');
  });

  it('stores nothing for a file modified just now: it could change again within one timestamp step', async () => {
    freshCache();
    const questionsFile = path.join(folder, 'q.json');
    utimesSync(questionsFile, new Date(), new Date());
    const recorder = PreparedSplitRecorder.start(fields(2))!;
    recorder.add(batch(2));
    await recorder.store();
    assert.deepEqual(entries(), []);
    backdate(questionsFile, 60_000);
  });

  it('stores nothing when a file changed during the read', async () => {
    freshCache();
    const recorder = PreparedSplitRecorder.start(fields(2))!;
    recorder.add(batch(2));
    const questionsFile = path.join(folder, 'q.json');
    utimesSync(questionsFile, new Date(), new Date(Date.now() + 20_000));
    await recorder.store();
    assert.deepEqual(entries(), []);
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
