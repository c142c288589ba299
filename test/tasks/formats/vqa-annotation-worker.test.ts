import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { DataProblem, Sample } from '../../../core/contracts/task.js';
import { DataError } from '../../../core/errors.js';
import { loadVqaFormat, type VqaFormatLayout } from '../../../tasks/formats/vqa-format-reader.js';
import { okVqaAnnotationSchema, vqaV2AnnotationSchema } from '../../../tasks/formats/vqa-format-schemas.js';
import { temporaryFolder, vqaAnnotation, withoutPreparedSplits } from '../dataset-folders.js';

withoutPreparedSplits();

// The annotations file read in a worker thread must give what reading it in the main thread gives:
// the same samples in the same order, the same problems in the same order (collecting), and the same
// first error after the same samples (throwing).

const QUESTIONS = 'questions.json';
const ANNOTATIONS = 'annotations.json';

function layoutFor(annotationSchema: VqaFormatLayout['annotationSchema']): VqaFormatLayout {
  return { taskId: 'vqav2', annotationSchema, splits: [{ name: 'val', questionsFile: QUESTIONS, annotationsFile: ANNOTATIONS, imageFolder: 'val2014' }] };
}

interface Outcome {
  samples: Sample[];
  problems: DataProblem[];
  error?: { message: string; file?: string; field?: string };
}

async function load(layout: VqaFormatLayout, folder: string, inWorker: boolean, collecting: boolean): Promise<Outcome> {
  const outcome: Outcome = { samples: [], problems: [] };
  const options = { dataDir: folder, split: 'val', ...(collecting ? { onProblem: (problem: DataProblem) => outcome.problems.push(problem) } : {}) };
  try {
    for await (const sample of loadVqaFormat(layout, options, { workerMinBytes: inWorker ? 0 : Number.POSITIVE_INFINITY })) outcome.samples.push(sample);
  } catch (error) {
    assert.ok(error instanceof DataError, String(error));
    outcome.error = { message: error.message, file: error.file, field: error.field };
  }
  return outcome;
}

/** Writes the two files (annotations as raw text when given a string) and checks both paths agree in both modes. */
async function assertSameBothWays(questions: Array<[number, number]>, annotations: unknown[] | string, layout = layoutFor(vqaV2AnnotationSchema)): Promise<Outcome[]> {
  const folder = temporaryFolder();
  writeFileSync(path.join(folder, QUESTIONS), JSON.stringify({ questions: questions.map(([questionId, imageId]) => ({ image_id: imageId, question: `q${questionId}?`, question_id: questionId })) }));
  writeFileSync(path.join(folder, ANNOTATIONS), typeof annotations === 'string' ? annotations : JSON.stringify({ info: {}, annotations }));
  const outcomes: Outcome[] = [];
  for (const collecting of [false, true]) {
    const inThread = await load(layout, folder, false, collecting);
    const inWorker = await load(layout, folder, true, collecting);
    assert.deepEqual(inWorker, inThread, collecting ? 'collecting' : 'throwing');
    outcomes.push(inThread);
  }
  return outcomes;
}

describe('VQA annotations read in a worker thread', () => {
  it('gives the same samples, in questions order, whether the annotation asked for comes next or was read ahead', async () => {
    const questions: Array<[number, number]> = [[1, 10], [2, 20], [3, 30], [4, 40]];
    const [throwing] = await assertSameBothWays(questions, [1, 3, 2, 4].map((id) => vqaAnnotation(id, id * 10, `a${id}`)));
    assert.deepEqual(throwing!.samples.map((sample) => [sample.id, sample.answers[0], sample.meta]), [
      ['1', 'a1', { imageId: 10, answerType: 'other', questionType: 'what color is the', multipleChoiceAnswer: 'a1' }],
      ['2', 'a2', { imageId: 20, answerType: 'other', questionType: 'what color is the', multipleChoiceAnswer: 'a2' }],
      ['3', 'a3', { imageId: 30, answerType: 'other', questionType: 'what color is the', multipleChoiceAnswer: 'a3' }],
      ['4', 'a4', { imageId: 40, answerType: 'other', questionType: 'what color is the', multipleChoiceAnswer: 'a4' }],
    ]);
  });

  it('reports invalid, duplicate, unmatched and mismatched annotations the same way, in the same order', async () => {
    const invalid = { ...vqaAnnotation(2, 20), answer_type: 'colour', extra: true };
    const [throwing, collecting] = await assertSameBothWays(
      [[1, 10], [2, 20], [3, 30], [4, 40]],
      [vqaAnnotation(1, 10), invalid, vqaAnnotation(1, 10), vqaAnnotation(3, 31), vqaAnnotation(4, 40), vqaAnnotation(9, 90)],
    );
    assert.equal(throwing!.samples.length, 1);
    assert.equal(throwing!.error?.field, 'annotations[1].answer_type');
    assert.deepEqual(
      collecting!.problems.map((problem) => problem.field),
      ['annotations[1].answer_type', 'annotations[1].extra', 'annotations[2].question_id', 'question_id', 'annotations[3].image_id', 'annotations[5].question_id'].map((field) =>
        field === 'question_id' ? 'questions[1].question_id' : field,
      ),
    );
    assert.deepEqual(collecting!.samples.map((sample) => sample.id), ['1', '4']);
  });

  it('stops at malformed JSON the same way, after the same samples', async () => {
    const good = [1, 2, 3].map((id) => JSON.stringify(vqaAnnotation(id, id * 10)));
    const [throwing, collecting] = await assertSameBothWays([[1, 10], [2, 20], [3, 30]], `{"annotations": [${good[0]}, ${good[1]}, {"question_id": 3,}]}`);
    assert.match(throwing!.error!.message, /malformed JSON at byte/);
    assert.equal(collecting!.problems.filter((problem) => /malformed JSON/.test(problem.message)).length, 1);
  });

  it('applies the OK-VQA schema there too (raw answers, optional fields)', async () => {
    const annotation = (id: number) => ({ ...vqaAnnotation(id, id * 10), answer_type: 'one', multiple_choice_answer: undefined, answers: (vqaAnnotation(id, id * 10).answers as object[]).map((answer) => ({ ...answer, raw_answer: 'Red' })) });
    const [throwing] = await assertSameBothWays([[1, 10], [2, 20]], [annotation(1), annotation(2)], layoutFor(okVqaAnnotationSchema));
    assert.deepEqual(throwing!.samples.map((sample) => sample.meta.answerType), ['one', 'one']);
  });

  it('ends the worker when the reader stops early', async () => {
    const folder = temporaryFolder();
    const ids = Array.from({ length: 50 }, (_, index) => index + 1);
    writeFileSync(path.join(folder, QUESTIONS), JSON.stringify({ questions: ids.map((id) => ({ image_id: id, question: 'q?', question_id: id })) }));
    writeFileSync(path.join(folder, ANNOTATIONS), JSON.stringify({ annotations: ids.map((id) => vqaAnnotation(id, id)) }));
    let read = 0;
    for await (const _ of loadVqaFormat(layoutFor(vqaV2AnnotationSchema), { dataDir: folder, split: 'val' }, { workerMinBytes: 0 })) if (++read === 2) break;
    assert.equal(read, 2);
  });
});
