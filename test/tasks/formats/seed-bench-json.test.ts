import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { DataProblem } from '../../../core/contracts/task.js';
import { ProblemSink } from '../../../tasks/formats/problem-sink.js';
import { readSeedBenchImageQuestions } from '../../../tasks/formats/seed-bench-json.js';

const folder = mkdtempSync(path.join(tmpdir(), 'seed-bench-json-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const question = (id: string, typeId: number, extra: Record<string, unknown> = {}) => ({
  answer: 'C',
  choice_a: 'One',
  choice_b: 'Two',
  choice_c: 'Three',
  choice_d: 'Four',
  data_id: '1454426_2591111986.jpg',
  data_type: typeId <= 9 ? 'image' : 'video',
  question: 'How many towels are in the image?',
  question_id: id,
  question_type_id: typeId,
  ...extra,
});

test('image dimensions 1–9 only (eval.py --task image), images under SEED-Bench-image/, every bad question named', async () => {
  mkdirSync(path.join(folder, 'SEED-Bench-image'), { recursive: true });
  const file = path.join(folder, 'SEED-Bench.json');
  writeFileSync(
    file,
    JSON.stringify({
      questions: [
        question('101669', 5),
        question('v1738', 10, { data_id: '94328.webm' }),
        question('101670', 9, { answer: 'E' }),
        question('101669', 1),
        question('101671', 2, { data_type: 'video' }),
        question('101672', 3, { data_id: '../outside.jpg' }),
      ],
      question_type: { 'Instances Counting': 5 },
    }),
  );
  const problems: DataProblem[] = [];
  const read = [];
  for await (const entry of readSeedBenchImageQuestions(file, folder, new ProblemSink((problem) => problems.push(problem)))) read.push(entry);
  assert.equal(read.length, 1);
  assert.deepEqual(
    { ...read[0], image: path.relative(folder, (read[0]!.image as { path: string }).path) },
    {
      questionId: '101669',
      question: 'How many towels are in the image?',
      choices: { A: 'One', B: 'Two', C: 'Three', D: 'Four' },
      answer: 'C',
      dimensionId: 5,
      dimension: 'Instances Counting',
      dataId: '1454426_2591111986.jpg',
      image: path.join('SEED-Bench-image', '1454426_2591111986.jpg'),
    },
  );
  assert.deepEqual(
    problems.map((problem) => problem.field),
    ['questions[2].answer', 'questions[3].question_id', 'questions[4].data_type', 'questions[5].data_id'],
  );
  assert.match(problems[1]!.message, /duplicate question_id "101669", already used by questions\[0\]/);
  assert.match(problems[2]!.message, /dimension 2 is an image dimension, but data_type is "video"/);
});
