import { mmmuParseAnswer } from '../scoring/metrics/mmmu/eval.js';
import type { SplitInfo, TaskAdapter, TaskPromptPieces } from '../core/contracts/task.js';
import { officialOrParquetOnFirstUse } from './formats/lazy-load.js';
import { withParquetFiles } from './formats/parquet-layout.js';
import type { MmmuSplit } from './mmmu/mmmu-reader.js';
import { MMMU_PARQUET_FILES } from './parquet/snapshot-files.js';

// MMMU (Yue et al. 2024): college-level questions over 30 subjects in 6 disciplines, images interleaved
// in the question and options (<image 1> … <image 7>), multiple-choice and open answers, scored with the
// benchmark's own answer parsing (scoring/metrics/mmmu/). The data is read in the rows of the
// Hugging Face release (MMMU/MMMU: id, question, options, explanation, image_1..7, img_type, answer,
// topic_difficulty, question_type, subfield) from `<split>.json`, an array of those rows with each
// image cell as {"path": "<file inside the data folder>"} (docs/protocols.md#mmmu). The test split's
// answers are hidden: it writes the {id: answer} submission file the MMMU leaderboard takes.

const splits: readonly MmmuSplit[] = [
  { name: 'validation', file: 'validation.json', hasAnswers: true },
  { name: 'dev', file: 'dev.json', hasAnswers: true },
  { name: 'test', file: 'test.json', hasAnswers: false },
];

// The question text carries the official instruction (multiple-choice or open), so every protocol
// shows it as it is; the official runs let the model write up to 128 tokens.
const asWritten: TaskPromptPieces = { zeroShotTemplate: '{question}', maxNewTokens: 128 };

// Or the Parquet files of the Hugging Face release (tasks/parquet/mmmu-parquet.ts), when the JSON form is absent.
const splitInfos = withParquetFiles(
  splits.map((split): SplitInfo => ({ name: split.name, hasAnswers: split.hasAnswers, files: [split.file] })),
  { splits: MMMU_PARQUET_FILES },
);

export const mmmu = {
  id: 'mmmu',
  benchmark: 'MMMU',
  version: 1,
  modality: 'image',
  metric: 'mmmu_accuracy',
  evaluator: 'mmmu-eval',
  description: 'MMMU: college-level multi-discipline questions with interleaved images, multiple-choice and open, official answer parsing',
  splits: splitInfos,
  defaultSplit: 'validation',
  sampleFolder: 'mmmu',
  submissionFormat: 'id-to-answer',
  recordMeta: ['discipline', 'subject', 'questionType', 'difficulty'],
  breakdowns: ['discipline', 'subject', 'questionType', 'difficulty'],
  prompts: { emu2: asWritten, 'emu2-chat': asWritten, flamingo: asWritten, llava: asWritten, cogvlm: asWritten },
  parseAnswer: mmmuParseAnswer,
  load: officialOrParquetOnFirstUse(splitInfos, async () => {
    const [{ mmmuParquet }, { loadMmmu }] = await Promise.all([import('./parquet/mmmu-parquet.js'), import('./mmmu/mmmu-reader.js')]);
    return { parquet: mmmuParquet, official: (options) => loadMmmu(splits, options) };
  }),
} satisfies TaskAdapter;
