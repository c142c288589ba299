// One MMMU row as the dataset distributes it (Hugging Face MMMU/MMMU, one Parquet file per subject and
// split: id, question, options, explanation, image_1 … image_7, img_type, answer, topic_difficulty,
// question_type, subfield) → one Sample. Pure: the caller turns an image cell into a MediaRef (a
// Parquet cell carries bytes, the bundled JSON form a path), so both routes share every rule here.
import { z } from 'zod';
import { parsePythonStringList } from '../formats/python-literal.js';
import { choiceLetters } from '../../scoring/metrics/mmmu/parse-multi-choice.js';
import { mmmuDiscipline, mmmuSubjectOfId } from './subjects.js';
import type { DataProblem, MediaRef, Sample } from '../../core/contracts/task.js';

export const MMMU_IMAGE_COLUMNS = ['image_1', 'image_2', 'image_3', 'image_4', 'image_5', 'image_6', 'image_7'] as const;

/** An image cell: Parquet's {bytes, path} struct, or the bundled JSON form's {path}; null when the question has fewer images. */
const imageCellSchema = z.strictObject({ bytes: z.instanceof(Uint8Array).nullish(), path: z.string().nullish() }).nullish();
export type MmmuImageCell = z.infer<typeof imageCellSchema>;

export const mmmuRowSchema = z.strictObject({
  id: z.string().regex(/^[a-z]+_[A-Za-z_]+_\d+$/, 'an id like validation_Art_Theory_12'),
  question: z.string(),
  options: z.string(),
  explanation: z.string().nullish(),
  ...Object.fromEntries(MMMU_IMAGE_COLUMNS.map((column) => [column, imageCellSchema])),
  img_type: z.string().nullish(),
  answer: z.string(),
  topic_difficulty: z.string().nullish(),
  question_type: z.enum(['multiple-choice', 'open']),
  subfield: z.string().nullish(),
}) as z.ZodType<MmmuRow>;

export interface MmmuRow {
  id: string;
  question: string;
  options: string;
  explanation?: string | null;
  image_1?: MmmuImageCell;
  image_2?: MmmuImageCell;
  image_3?: MmmuImageCell;
  image_4?: MmmuImageCell;
  image_5?: MmmuImageCell;
  image_6?: MmmuImageCell;
  image_7?: MmmuImageCell;
  img_type?: string | null;
  answer: string;
  topic_difficulty?: string | null;
  question_type: 'multiple-choice' | 'open';
  subfield?: string | null;
}

// The official prompt (mmmu/configs/llava1.5.yaml as YAML reads it: the blank lines of its quoted
// scalars fold to single line breaks) with the options as construct_prompt lists them.
export const MMMU_MULTI_CHOICE_INSTRUCTION = "Answer with the option's letter from the given choices directly.";
export const MMMU_OPEN_INSTRUCTION = 'Answer the question using a single word or phrase.';

export function mmmuPromptText(question: string, type: MmmuRow['question_type'], options: readonly string[]): string {
  if (type === 'open') return `${question}\n${MMMU_OPEN_INSTRUCTION}`;
  const listed = options.map((option, index) => `(${choiceLetters(options.length)[index]}) ${option}\n`).join('');
  return `${question}\n${listed}\n${MMMU_MULTI_CHOICE_INSTRUCTION}`;
}

const PLACEHOLDER = /<image (\d+)>/g;

export interface MmmuRowContext {
  file: string;
  /** Where the row sits in the file (`[12]`, `row 12`), for messages. */
  field: string;
  hasAnswers: boolean;
  /** The image of one cell, or undefined after reporting why there is none. */
  imageRef(cell: NonNullable<MmmuImageCell>, column: (typeof MMMU_IMAGE_COLUMNS)[number], report: (problem: DataProblem) => void): MediaRef | undefined;
}

export type MmmuRowResult = { ok: true; sample: Sample } | { ok: false; problems: DataProblem[] };

export function mmmuRowToSample(row: MmmuRow, context: MmmuRowContext): MmmuRowResult {
  const problems: DataProblem[] = [];
  const report = (field: string, message: string) => problems.push({ file: context.file, field: `${context.field}.${field}`, message });

  const subject = mmmuSubjectOfId(row.id);
  const discipline = mmmuDiscipline(subject);
  if (!discipline) report('id', `names subject "${subject}", which is none of MMMU's 30 subjects`);

  const parsedOptions = parsePythonStringList(row.options);
  const options = parsedOptions.ok ? parsedOptions.items : [];
  if (!parsedOptions.ok) report('options', `not a Python list of strings: ${parsedOptions.reason}`);
  else if (row.question_type === 'multiple-choice' && options.length < 2) report('options', `a multiple-choice question needs at least 2 options, found ${options.length}`);

  let answers: string[] = [];
  if (context.hasAnswers) {
    if (row.question_type === 'multiple-choice') {
      if (parsedOptions.ok && !choiceLetters(options.length).includes(row.answer)) report('answer', `"${row.answer}" is not one of the option letters ${choiceLetters(options.length).join(', ')}`);
      answers = [row.answer];
    } else {
      // Open answers with several accepted forms are stored as a list literal ("['24/7', '3.429']").
      const list = row.answer.trimStart().startsWith('[') ? parsePythonStringList(row.answer) : undefined;
      if (list && !list.ok) report('answer', `looks like a list but is not a Python list of strings: ${list.reason}`);
      answers = list?.ok ? list.items : [row.answer];
      if (answers.length === 0) report('answer', 'an empty list of answers');
    }
  }

  const text = [row.question, ...options].join('\n');
  const referenced = new Set(Array.from(text.matchAll(PLACEHOLDER), (match) => Number(match[1])));
  const media: MediaRef[] = [];
  const mediaPlaceholders: string[] = [];
  MMMU_IMAGE_COLUMNS.forEach((column, index) => {
    const cell = row[column];
    const number = index + 1;
    if (!cell) {
      if (referenced.has(number)) report(column, `the question refers to <image ${number}>, but ${column} is empty`);
      return;
    }
    const ref = context.imageRef(cell, column, (problem) => problems.push(problem));
    if (!ref) return;
    media.push(ref);
    mediaPlaceholders.push(`<image ${number}>`);
  });
  for (const number of referenced) {
    if (number < 1 || number > MMMU_IMAGE_COLUMNS.length) report('question', `refers to <image ${number}>; MMMU rows have image_1 to image_7`);
  }
  if (media.length === 0 && problems.length === 0) report('image_1', 'the question has no image');
  if (problems.length > 0) return { ok: false, problems };

  return {
    ok: true,
    sample: {
      id: row.id,
      question: mmmuPromptText(row.question, row.question_type, options),
      answers,
      media,
      mediaPlaceholders,
      meta: {
        subject,
        discipline,
        questionType: row.question_type,
        options,
        ...(row.subfield ? { subfield: row.subfield } : {}),
        ...(row.topic_difficulty ? { difficulty: row.topic_difficulty } : {}),
      },
    },
  };
}
