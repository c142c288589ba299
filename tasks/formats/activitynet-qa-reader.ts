import path from 'node:path';
import { z } from 'zod';
import { FirstOccurrences, ProblemSink } from './problem-sink.js';
import { findSplit, locateSplitFiles } from './split-files.js';
import { streamValidated } from './validated-stream.js';
import { VideoLocator, type VideoLayout } from './video-files.js';
import type { LoadOptions, Sample } from '../../core/contracts/task.js';

// The reader of tasks/activitynet-qa.ts, imported by its first load.

/** A split: its questions file and its answers file, as tasks/activitynet-qa.ts lists them. */
export interface ActivityNetQaSplit {
  name: string;
  questions: string;
  answers: string;
}

const videos: VideoLayout = { folders: ['videos', ''], extensions: ['.mp4', '.mkv', '.webm', '.avi'], framesFolder: 'frames' };

/** The dataset's `type` field: three question kinds, then free questions by answer kind. */
export const ACTIVITYNET_QUESTION_TYPES = ['motion', 'spatial', 'temporal', 'yes/no', 'color', 'object', 'location', 'number', 'other'] as const;

const questionSchema = z.strictObject({ video_name: z.string().min(1), question_id: z.string().min(1), question: z.string().min(1) });
const answerSchema = z.strictObject({ question_id: z.string().min(1), answer: z.string(), type: z.number().int().min(0).max(8) });

interface PendingAnswer {
  answer: string;
  type: number;
  path: string;
}

/** Reads a split; `splits` is the task's table (tasks/activitynet-qa.ts). */
export async function* loadActivityNetQa(splits: readonly ActivityNetQaSplit[], options: LoadOptions): AsyncGenerator<Sample> {
  const split = findSplit('activitynet-qa', splits, options.split);
  const dataDir = path.resolve(options.dataDir);
  const sink = new ProblemSink(options.onProblem);
  const files = await locateSplitFiles('activitynet-qa', { name: split.name, hasAnswers: true, files: [split.questions, split.answers] }, dataDir, sink);
  if (!files) return;
  const [questionsFile, answersFile] = files as [string, string];

  // Answer files are small (8k entries for test); reading them first lets questions stream in any order.
  const answers = new Map<string, PendingAnswer>();
  const answerOccurrences = new FirstOccurrences<string>();
  for await (const { value, index, path: entryPath } of streamValidated(answersFile, { kind: 'array' }, answerSchema, sink)) {
    const earlier = answerOccurrences.claim(value.question_id, index);
    if (earlier !== undefined) {
      sink.report({ file: answersFile, field: `${entryPath}.question_id`, message: `duplicate question_id ${JSON.stringify(value.question_id)}, already used by [${earlier}]` });
      continue;
    }
    answers.set(value.question_id, { answer: value.answer, type: value.type, path: entryPath });
  }

  const locator = await VideoLocator.open(dataDir, videos);
  const questionOccurrences = new FirstOccurrences<string>();
  for await (const { value: entry, index, path: entryPath } of streamValidated(questionsFile, { kind: 'array' }, questionSchema, sink)) {
    const earlier = questionOccurrences.claim(entry.question_id, index);
    if (earlier !== undefined) {
      sink.report({ file: questionsFile, field: `${entryPath}.question_id`, message: `duplicate question_id ${JSON.stringify(entry.question_id)}, already used by [${earlier}]` });
      continue;
    }
    const answer = answers.get(entry.question_id);
    answers.delete(entry.question_id);
    if (!answer) {
      sink.report({ file: questionsFile, field: `${entryPath}.question_id`, message: `question_id ${JSON.stringify(entry.question_id)} has no answer in ${answersFile}` });
      continue;
    }
    const video = locator.locate(`v_${entry.video_name}`, sink, { file: questionsFile, field: `${entryPath}.video_name` });
    if (!video) continue;
    yield {
      id: entry.question_id,
      question: entry.question,
      answers: [answer.answer],
      media: [video],
      meta: { videoId: entry.video_name, questionType: ACTIVITYNET_QUESTION_TYPES[answer.type] },
    };
  }
  for (const [questionId, { path: entryPath }] of answers) {
    sink.report({ file: answersFile, field: `${entryPath}.question_id`, message: `answer for question_id ${JSON.stringify(questionId)} has no question in ${questionsFile}` });
  }
}
