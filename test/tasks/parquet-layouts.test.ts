import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { DataProblem, Sample, TaskAdapter } from '../../core/contracts/task.js';
import { readMedia } from '../../core/safe-path.js';
import { bundledDataDir, getTask } from '../../tasks/registry.js';
import { temporaryFolder } from '../helpers/cli.js';
import { writeParquetTable } from '../helpers/parquet-snapshots.js';

// Each image task's bundled sample rewritten as its lmms-lab snapshot: the loader yields the same
// samples (ids, questions, answers, meta) with the same image bytes as from the official files.

async function samplesOf(task: TaskAdapter, dataDir: string, split: string, onProblem?: (problem: DataProblem) => void): Promise<Sample[]> {
  const samples: Sample[] = [];
  for await (const sample of task.load({ dataDir, split, onProblem })) samples.push(sample);
  return samples;
}

async function assertSameSamples(task: TaskAdapter, snapshot: string, split: string): Promise<void> {
  const official = await samplesOf(task, bundledDataDir(task), split);
  const parquet = await samplesOf(task, snapshot, split);
  assert.ok(official.length > 0);
  const strip = ({ media: _media, ...rest }: Sample) => JSON.parse(JSON.stringify(rest));
  assert.deepEqual(parquet.map(strip), official.map(strip));
  for (const [index, sample] of parquet.entries()) {
    assert.equal(sample.media[0]!.source, 'bytes');
    assert.ok((await readMedia(sample.media[0]!)).equals(await readMedia(official[index]!.media[0]!)), `${task.id} ${sample.id}: image bytes`);
  }
}

const image = (file: string) => ({ bytes: new Uint8Array(readFileSync(file)), path: path.basename(file) });
const picture = (name: string) => ({ bytes: new TextEncoder().encode(name), path: null });

test('textvqa: lmms-lab/textvqa rows give the official samples', async () => {
  const task = getTask('textvqa');
  const source = bundledDataDir(task);
  const { data } = JSON.parse(readFileSync(path.join(source, 'TextVQA_0.5.1_val.json'), 'utf8')) as { data: Array<Record<string, unknown>> };
  const snapshot = temporaryFolder();
  writeParquetTable(
    path.join(snapshot, 'data', 'validation-00000-of-00001.parquet'),
    [
      { name: 'image_id', type: 'string' },
      { name: 'question_id', type: 'int64' },
      { name: 'question', type: 'string' },
      { name: 'image', type: 'image' },
      { name: 'answers', type: 'string-list' },
      { name: 'image_classes', type: 'string-list' },
    ],
    data.map((entry) => ({ ...entry, image: image(path.join(source, 'train_images', `${entry.image_id}.jpg`)) })),
  );
  await assertSameSamples(task, snapshot, 'val');
});

test('vizwiz: lmms-lab/VizWiz-VQA rows (question ids without .jpg, answers as strings) give the official samples', async () => {
  const task = getTask('vizwiz');
  const source = bundledDataDir(task);
  const entries = JSON.parse(readFileSync(path.join(source, 'val.json'), 'utf8')) as Array<{ image: string; question: string; answers: Array<{ answer: string }>; answer_type: string; answerable: number }>;
  const snapshot = temporaryFolder();
  writeParquetTable(
    path.join(snapshot, 'data', 'val-00000-of-00001.parquet'),
    [
      { name: 'question_id', type: 'string' },
      { name: 'image', type: 'image' },
      { name: 'question', type: 'string' },
      { name: 'answers', type: 'string-list' },
      { name: 'answer_type', type: 'string' },
      { name: 'answerable', type: 'int64' },
    ],
    entries.map((entry) => ({ ...entry, question_id: entry.image.replace(/\.jpg$/, ''), answers: entry.answers.map((answer) => answer.answer), image: image(path.join(source, 'val', entry.image)) })),
  );
  await assertSameSamples(task, snapshot, 'val');
});

test('gqa: questions and images in separate configs are joined on imageId; an image id found nowhere is named', async () => {
  const task = getTask('gqa');
  const source = bundledDataDir(task);
  const questions = Object.entries(JSON.parse(readFileSync(path.join(source, 'testdev_balanced_questions.json'), 'utf8')) as Record<string, Record<string, unknown>>);
  const imageIds = [...new Set(questions.map(([, question]) => question.imageId as string))];
  const snapshot = temporaryFolder();
  const columns = [
    { name: 'id', type: 'string' },
    { name: 'imageId', type: 'string' },
    { name: 'question', type: 'string' },
    { name: 'answer', type: 'string' },
    { name: 'fullAnswer', type: 'string' },
    { name: 'isBalanced', type: 'boolean' },
    { name: 'types', type: { struct: ['structural', 'semantic', 'detailed'] } },
  ] as const;
  const writeQuestions = (rows: Array<[string, Record<string, unknown>]>) =>
    writeParquetTable(path.join(snapshot, 'testdev_balanced_instructions', 'testdev-00000-of-00001.parquet'), columns, rows.map(([id, question]) => ({ ...question, id })));
  writeQuestions(questions);
  // Images in another order than the questions use them, over several row groups.
  writeParquetTable(
    path.join(snapshot, 'testdev_balanced_images', 'testdev-00000-of-00001.parquet'),
    [
      { name: 'id', type: 'string' },
      { name: 'image', type: 'image' },
    ],
    imageIds.reverse().map((id) => ({ id, image: image(path.join(source, 'images', `${id}.jpg`)) })),
    4,
  );
  await assertSameSamples(task, snapshot, 'testdev');

  writeQuestions([...questions.slice(0, 3), [questions[3]![0], { ...questions[3]![1], imageId: 'n0000000' }]]);
  const problems: DataProblem[] = [];
  assert.equal((await samplesOf(task, snapshot, 'testdev', (problem) => problems.push(problem))).length, 3);
  assert.deepEqual(problems.map((problem) => `${path.basename(problem.file)}: ${problem.field}: ${problem.message}`), ['testdev-00000-of-00001.parquet: row 3 (row group 0): image "n0000000" is in none of the image files']);
});

test('okvqa: lmms-lab/OK-VQA val2014 rows, answers as strings', async () => {
  const task = getTask('okvqa');
  const source = bundledDataDir(task);
  const { questions } = JSON.parse(readFileSync(path.join(source, 'OpenEnded_mscoco_val2014_questions.json'), 'utf8')) as { questions: Array<{ question_id: number; image_id: number; question: string }> };
  const { annotations } = JSON.parse(readFileSync(path.join(source, 'mscoco_val2014_annotations.json'), 'utf8')) as {
    annotations: Array<{ question_id: number; question_type: string; answer_type: string; answers: Array<{ answer: string }> }>;
  };
  const byId = new Map(annotations.map((annotation) => [annotation.question_id, annotation]));
  const snapshot = temporaryFolder();
  writeParquetTable(
    path.join(snapshot, 'data', 'val2014-00000-of-00001.parquet'),
    [
      { name: 'question_type', type: 'string' },
      { name: 'answers', type: 'string-list' },
      { name: 'answer_type', type: 'string' },
      { name: 'image_id', type: 'int64' },
      { name: 'question_id', type: 'int64' },
      { name: 'question', type: 'string' },
      { name: 'image', type: 'image' },
    ],
    questions.map((question) => {
      const annotation = byId.get(question.question_id)!;
      return {
        ...question,
        question_type: annotation.question_type,
        answer_type: annotation.answer_type,
        answers: annotation.answers.map((answer) => answer.answer),
        image: image(path.join(source, 'val2014', `COCO_val2014_${String(question.image_id).padStart(12, '0')}.jpg`)),
      };
    }),
  );
  await assertSameSamples(task, snapshot, 'val');
});

test('mmmu: the Hugging Face release (one folder per subject, images in image_1 … image_7) gives the JSON form\'s samples, images in question order', async () => {
  const task = getTask('mmmu');
  const source = bundledDataDir(task);
  const rows = JSON.parse(readFileSync(path.join(source, 'validation.json'), 'utf8')) as Array<Record<string, unknown>>;
  const imageColumns = ['image_1', 'image_2', 'image_3', 'image_4', 'image_5', 'image_6', 'image_7'];
  const columns = [
    { name: 'id', type: 'string' },
    { name: 'question', type: 'string' },
    { name: 'options', type: 'string' },
    { name: 'explanation', type: 'string' },
    ...imageColumns.map((name) => ({ name, type: 'image' as const })),
    { name: 'img_type', type: 'string' },
    { name: 'answer', type: 'string' },
    { name: 'topic_difficulty', type: 'string' },
    { name: 'question_type', type: 'string' },
    { name: 'subfield', type: 'string' },
  ] as const;
  const snapshot = temporaryFolder();
  const bySubject = new Map<string, Array<Record<string, unknown>>>();
  for (const row of rows) {
    const subject = String(row.id).replace(/^validation_/, '').replace(/_\d+$/, '');
    const withBytes = Object.fromEntries(imageColumns.map((column) => {
      const cell = row[column] as { path: string } | null;
      return [column, cell ? { bytes: new Uint8Array(readFileSync(path.join(source, cell.path))), path: null } : null];
    }));
    bySubject.set(subject, [...(bySubject.get(subject) ?? []), { ...row, ...withBytes }]);
  }
  for (const [subject, subjectRows] of bySubject) writeParquetTable(path.join(snapshot, subject, 'validation-00000-of-00001.parquet'), columns, subjectRows);
  assert.ok(bySubject.size > 1);
  // The release's order is by subject folder; the JSON form's is its own: compare by id.
  const official = new Map((await samplesOf(task, source, 'validation')).map((sample) => [sample.id, sample]));
  const parquet = await samplesOf(task, snapshot, 'validation');
  assert.equal(parquet.length, official.size);
  assert.ok(parquet.every((sample) => sample.media.every((media) => media.source === 'bytes')));
  assert.ok(parquet.some((sample) => sample.media.length > 1), 'a question with several images');
  for (const sample of parquet) {
    const expected = official.get(sample.id)!;
    const { media: _media, ...rest } = sample;
    const { media: _expectedMedia, ...expectedRest } = expected;
    assert.deepEqual(JSON.parse(JSON.stringify(rest)), JSON.parse(JSON.stringify(expectedRest)));
    assert.equal(sample.media.length, expected.media.length);
    for (const [index, media] of sample.media.entries()) assert.ok((await readMedia(media)).equals(await readMedia(expected.media[index]!)), `${sample.id} image ${index + 1}`);
  }
});

test('mm-vet: lmms-lab/MMVet rows (capabilities as "rec,ocr") give the official samples', async () => {
  const task = getTask('mm-vet');
  const source = bundledDataDir(task);
  const entries = Object.entries(JSON.parse(readFileSync(path.join(source, 'mm-vet.json'), 'utf8')) as Record<string, { imagename: string; capability: string[]; question: string; answer: string }>);
  const snapshot = temporaryFolder();
  writeParquetTable(
    path.join(snapshot, 'data', 'test-00000-of-00001.parquet'),
    [
      { name: 'question_id', type: 'string' },
      { name: 'image', type: 'image' },
      { name: 'question', type: 'string' },
      { name: 'answer', type: 'string' },
      { name: 'image_source', type: 'string' },
      { name: 'capability', type: 'string' },
    ],
    entries.map(([id, entry]) => ({ question_id: id, image: image(path.join(source, 'images', entry.imagename)), question: entry.question, answer: entry.answer, image_source: 'synthetic', capability: entry.capability.join(',') })),
  );
  await assertSameSamples(task, snapshot, 'test');
});

test('seed-bench: lmms-lab/SEED-Bench rows (images as a list, video questions left out) give the official samples, for both ways of asking', async () => {
  const task = getTask('seed-bench');
  const source = bundledDataDir(task);
  const { questions } = JSON.parse(readFileSync(path.join(source, 'SEED-Bench.json'), 'utf8')) as { questions: Array<Record<string, unknown>> };
  const snapshot = temporaryFolder();
  const video = { ...questions[0]!, question_id: '9990001', question_type_id: 10, data_type: 'video', data_id: 'clip.mp4' };
  writeParquetTable(
    path.join(snapshot, 'data', 'test-00000-of-00001.parquet'),
    [
      { name: 'answer', type: 'string' },
      { name: 'choice_a', type: 'string' },
      { name: 'choice_b', type: 'string' },
      { name: 'choice_c', type: 'string' },
      { name: 'choice_d', type: 'string' },
      { name: 'data_id', type: 'string' },
      { name: 'data_type', type: 'string' },
      { name: 'question', type: 'string' },
      { name: 'question_id', type: 'string' },
      { name: 'question_type_id', type: 'int64' },
      { name: 'image', type: 'image-list' },
    ],
    [...questions, video].map((question) => ({
      ...question,
      // The hub's column is text; the JSON has ids of either kind.
      question_id: String(question.question_id),
      image: question.data_type === 'image' ? [image(path.join(source, 'SEED-Bench-image', String(question.data_id)))] : [picture('frame 1'), picture('frame 2')],
    })),
  );
  await assertSameSamples(task, snapshot, 'test');
  const bare = { ...task, load: task.likelihood!.load } as TaskAdapter;
  await assertSameSamples(bare, snapshot, 'test');
});
