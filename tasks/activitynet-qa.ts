import path from 'node:path';
import { z } from 'zod';
import { FirstOccurrences, ProblemSink } from './formats/problem-sink.js';
import { findSplit, locateSplitFiles } from './formats/split-files.js';
import { streamValidated } from './formats/validated-stream.js';
import { VideoLocator, type VideoLayout } from './formats/video-files.js';
import type { LoadOptions, Sample, SplitInfo, TaskAdapter } from '../core/contracts/task.js';

// ActivityNet-QA (Yu et al. 2019): questions about long ActivityNet videos, split into
// <split>_q.json [{video_name, question_id, question}] and <split>_a.json [{question_id, answer, type}].
// Videos are v_<video_name>.{mp4,mkv,webm} as ActivityNet distributes them. Scored by exact match
// by default; Video-ChatGPT's LLM judge is the other common protocol (scoring/judge/).

const splits = [
  { name: 'test', questions: 'test_q.json', answers: 'test_a.json' },
  { name: 'val', questions: 'val_q.json', answers: 'val_a.json' },
  { name: 'train', questions: 'train_q.json', answers: 'train_a.json' },
] as const;

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

async function* loadActivityNetQa(options: LoadOptions): AsyncGenerator<Sample> {
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

export const activitynetQa = {
  id: 'activitynet-qa',
  benchmark: 'ActivityNet-QA',
  version: 1,
  modality: 'video',
  metric: 'exact_match',
  evaluator: 'emu-eval-exact-match',
  description: 'ActivityNet-QA: questions about long ActivityNet activity videos (motion, spatial, temporal, free), exact match on one answer',
  splits: splits.map((split): SplitInfo => ({ name: split.name, hasAnswers: true, files: [split.questions, split.answers] })),
  defaultSplit: 'test',
  sampleFolder: 'activitynet-qa',
  recordMeta: ['videoId', 'questionType'],
  breakdowns: ['questionType'],
  clusterBy: 'videoId',
  load: loadActivityNetQa,
} satisfies TaskAdapter;
