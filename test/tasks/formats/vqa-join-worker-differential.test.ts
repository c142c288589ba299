import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { DataProblem, Sample } from '../../../core/contracts/task.js';
import { loadVqaFormat, type VqaFormatLayout } from '../../../tasks/formats/vqa-format-reader.js';
import { okVqaAnnotationSchema, vqaV2AnnotationSchema } from '../../../tasks/formats/vqa-format-schemas.js';
import { temporaryFolder, withoutPreparedSplits } from '../dataset-folders.js';

withoutPreparedSplits();

// Differential test of the worker path (questions and annotations read and joined in a worker thread,
// samples sent in batches) against the in-thread path as the oracle: seeded broken datasets (duplicate
// ids in either file, missing and unmatched annotations, wrong image ids, invalid fields, malformed
// JSON in either file, image folders that need checking or leave the data root), batches of 3 samples
// so problems fall on every side of a batch boundary. Every event is compared in order: samples,
// problems (collecting), the thrown error (throwing), and what a consumer that stops early has seen.

interface Faults {
  seed: number;
  imageFolder: string;
  annotationSchema: VqaFormatLayout['annotationSchema'];
  breakQuestions?: boolean;
  breakAnnotations?: boolean;
  reverseAnnotations?: boolean;
}

/** A linear congruential generator: the same faults on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
}

/** Inserts `text` at `fraction` of `json`: malformed JSON part way through the file. */
function breakAt(json: string, fraction: number, text: string): string {
  const at = Math.floor(json.length * fraction);
  return json.slice(0, at) + text + json.slice(at);
}

function writeDataset(faults: Faults): string {
  const next = random(faults.seed);
  const questions: Array<Record<string, unknown>> = [];
  const annotations: Array<Record<string, unknown>> = [];
  for (let index = 0; index < 60; index++) {
    const imageId = 100 + Math.floor(index / 3);
    const questionId = next() < 0.05 ? 100000 : imageId * 1000 + (index % 3);
    const question: Record<string, unknown> = { image_id: next() < 0.04 ? 'bad' : imageId, question: `Q ${index} "x" é`, question_id: questionId };
    if (next() < 0.03) delete question.question;
    questions.push(question);
    if (next() < 0.06) continue;
    const answers = Array.from({ length: 10 }, (_, answer) => ({ answer: next() < 0.5 ? 'yes' : 'no', answer_confidence: 'yes', answer_id: answer + 1 }));
    const annotation: Record<string, unknown> = {
      question_type: 'what',
      multiple_choice_answer: 'yes',
      answers: next() < 0.05 ? answers.slice(0, 3) : answers,
      image_id: next() < 0.04 ? 999 : imageId,
      answer_type: 'yes/no',
      question_id: next() < 0.03 ? 7 : questionId,
    };
    if (next() < 0.03) annotation.extra = 1;
    annotations.push(annotation);
  }
  if (faults.reverseAnnotations) annotations.reverse();
  const questionsJson = JSON.stringify({ questions });
  const annotationsJson = JSON.stringify({ info: {}, annotations });
  const folder = temporaryFolder();
  writeFileSync(path.join(folder, 'q.json'), faults.breakQuestions ? breakAt(questionsJson, 0.7, ',,') : questionsJson);
  writeFileSync(path.join(folder, 'a.json'), faults.breakAnnotations ? breakAt(annotationsJson, 0.6, '}x') : annotationsJson);
  return folder;
}

type Event = ['sample', Sample] | ['problem', DataProblem] | ['error', string, string, string | undefined, string | undefined];

async function events(faults: Faults, folder: string, inWorker: boolean, collecting: boolean, stopAfter = Number.POSITIVE_INFINITY): Promise<Event[]> {
  const layout: VqaFormatLayout = {
    taskId: 'vqav2',
    annotationSchema: faults.annotationSchema,
    splits: [{ name: 'val', questionsFile: 'q.json', annotationsFile: 'a.json', imageFolder: faults.imageFolder }],
  };
  const seen: Event[] = [];
  const onProblem = collecting ? (problem: DataProblem) => void seen.push(['problem', problem]) : undefined;
  const readerOptions = inWorker ? { workerMinBytes: 1, workerBatchSamples: 3 } : { workerMinBytes: Number.POSITIVE_INFINITY };
  try {
    for await (const sample of loadVqaFormat(layout, { dataDir: folder, split: 'val', textOnly: true, onProblem }, readerOptions)) {
      seen.push(['sample', sample]);
      if (seen.length >= stopAfter) break;
    }
  } catch (error) {
    const { name, message, file, field } = error as Error & { file?: string; field?: string };
    seen.push(['error', `${error?.constructor.name}/${name}`, message, file, field]);
  }
  return seen;
}

const DATASETS: Faults[] = [
  { seed: 1, imageFolder: 'val2014', annotationSchema: vqaV2AnnotationSchema, breakAnnotations: true, reverseAnnotations: true },
  { seed: 2, imageFolder: 'val.2014', annotationSchema: vqaV2AnnotationSchema, breakQuestions: true },
  { seed: 3, imageFolder: '../val2014', annotationSchema: okVqaAnnotationSchema, reverseAnnotations: true },
];

describe('VQA split read and joined in a worker thread, against the in-thread path', () => {
  for (const faults of DATASETS) {
    it(`gives the same events for seed ${faults.seed} (${faults.imageFolder}${faults.breakQuestions ? ', malformed questions' : ''}${faults.breakAnnotations ? ', malformed annotations' : ''})`, async () => {
      const folder = writeDataset(faults);
      for (const collecting of [true, false]) {
        const inThread = await events(faults, folder, false, collecting);
        // The dataset must exercise the reader: problems in collecting mode, an error in throwing mode.
        if (collecting) assert.ok(inThread.filter(([kind]) => kind === 'problem').length >= 5, 'the dataset has problems to report');
        else assert.equal(inThread.at(-1)![0], 'error');
        assert.deepEqual(await events(faults, folder, true, collecting), inThread, collecting ? 'collecting' : 'throwing');
      }
      // A consumer that stops early (a --limit) sees the same prefix, and the worker ends (each worker
      // start compiles the reader under tsx, ~1 s: once is enough).
      if (faults.seed === 1) assert.deepEqual(await events(faults, folder, true, true, 5), await events(faults, folder, false, true, 5), 'stopped early');
    });
  }
});
