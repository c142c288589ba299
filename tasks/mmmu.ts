import path from 'node:path';
import { imageFromBytes } from '../core/media-ref.js';
import { mmmuParseAnswer } from '../scoring/metrics/mmmu/eval.js';
import { imageInside } from './formats/image-path.js';
import { FirstOccurrences, ProblemSink } from './formats/problem-sink.js';
import { findSplit, locateSplitFiles } from './formats/split-files.js';
import { streamValidated } from './formats/validated-stream.js';
import { mmmuRowSchema, mmmuRowToSample, type MmmuRowContext } from './mmmu/mmmu-row.js';
import type { LoadOptions, Sample, SplitInfo, TaskAdapter, TaskPromptPieces } from '../core/contracts/task.js';

// MMMU (Yue et al. 2024): college-level questions over 30 subjects in 6 disciplines, images interleaved
// in the question and options (<image 1> … <image 7>), multiple-choice and open answers, scored with the
// benchmark's own answer parsing (scoring/metrics/mmmu/). The data is read in the rows of the
// Hugging Face release (MMMU/MMMU: id, question, options, explanation, image_1..7, img_type, answer,
// topic_difficulty, question_type, subfield) from `<split>.json`, an array of those rows with each
// image cell as {"path": "<file inside the data folder>"} (docs/protocols.md#mmmu). The test split's
// answers are hidden: it writes the {id: answer} submission file the MMMU leaderboard takes.

const splits = [
  { name: 'validation', file: 'validation.json', hasAnswers: true },
  { name: 'dev', file: 'dev.json', hasAnswers: true },
  { name: 'test', file: 'test.json', hasAnswers: false },
] as const;

async function* loadMmmu(options: LoadOptions): AsyncGenerator<Sample> {
  const split = findSplit('mmmu', splits, options.split);
  const dataDir = path.resolve(options.dataDir);
  const sink = new ProblemSink(options.onProblem);
  const files = await locateSplitFiles('mmmu', { name: split.name, hasAnswers: split.hasAnswers, files: [split.file] }, dataDir, sink);
  if (!files) return;
  const [file] = files as [string];
  const ids = new FirstOccurrences<string>();
  for await (const { value: row, index, path: rowPath } of streamValidated(file, { kind: 'array' }, mmmuRowSchema, sink)) {
    const earlier = ids.claim(row.id, index);
    if (earlier !== undefined) {
      sink.report({ file, field: `${rowPath}.id`, message: `duplicate id ${JSON.stringify(row.id)}, already used by [${earlier}]` });
      continue;
    }
    const context: MmmuRowContext = {
      file,
      field: rowPath,
      hasAnswers: split.hasAnswers,
      imageRef(cell, column, report) {
        const origin = { file, field: `${rowPath}.${column}` };
        if (cell.bytes) return imageFromBytes(cell.bytes, origin);
        if (!cell.path) {
          report({ ...origin, message: 'an image cell needs its bytes or a path' });
          return undefined;
        }
        if (options.textOnly) return { kind: 'image', path: path.join(dataDir, cell.path), root: dataDir };
        return imageInside(new ProblemSink(report), dataDir, '', cell.path, { ...origin, field: `${origin.field}.path` });
      },
    };
    const result = mmmuRowToSample(row, context);
    if (result.ok) yield result.sample;
    else sink.reportAll(result.problems);
  }
}

// The question text carries the official instruction (multiple-choice or open), so every protocol
// shows it as it is; the official runs let the model write up to 128 tokens.
const asWritten: TaskPromptPieces = { zeroShotTemplate: '{question}', maxNewTokens: 128 };

export const mmmu = {
  id: 'mmmu',
  benchmark: 'MMMU',
  version: 1,
  modality: 'image',
  metric: 'mmmu_accuracy',
  evaluator: 'mmmu-eval',
  description: 'MMMU: college-level multi-discipline questions with interleaved images, multiple-choice and open, official answer parsing',
  splits: splits.map((split): SplitInfo => ({ name: split.name, hasAnswers: split.hasAnswers, files: [split.file] })),
  defaultSplit: 'validation',
  sampleFolder: 'mmmu',
  submissionFormat: 'id-to-answer',
  recordMeta: ['discipline', 'subject', 'questionType', 'difficulty'],
  breakdowns: ['discipline', 'subject', 'questionType', 'difficulty'],
  prompts: { emu2: asWritten, 'emu2-chat': asWritten, flamingo: asWritten, llava: asWritten, cogvlm: asWritten },
  parseAnswer: mmmuParseAnswer,
  load: loadMmmu,
} satisfies TaskAdapter;
