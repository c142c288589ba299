import type { ActivityNetQaSplit } from './formats/activitynet-qa-reader.js';
import { loadOnFirstUse } from './formats/lazy-load.js';
import type { SplitInfo, TaskAdapter } from '../core/contracts/task.js';

// ActivityNet-QA (Yu et al. 2019): questions about long ActivityNet videos, split into
// <split>_q.json [{video_name, question_id, question}] and <split>_a.json [{question_id, answer, type}].
// Videos are v_<video_name>.{mp4,mkv,webm} as ActivityNet distributes them. Scored by exact match
// by default; Video-ChatGPT's LLM judge is the other common protocol (scoring/judge/).

const splits: readonly ActivityNetQaSplit[] = [
  { name: 'test', questions: 'test_q.json', answers: 'test_a.json' },
  { name: 'val', questions: 'val_q.json', answers: 'val_a.json' },
  { name: 'train', questions: 'train_q.json', answers: 'train_a.json' },
];

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
  load: loadOnFirstUse(async () => {
    const { loadActivityNetQa } = await import('./formats/activitynet-qa-reader.js');
    return (options) => loadActivityNetQa(splits, options);
  }),
} satisfies TaskAdapter;
