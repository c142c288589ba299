import { videoQaSplitInfos, type VideoQaListLayout } from './formats/video-qa-layout.js';
import { loadOnFirstUse } from './formats/lazy-load.js';
import type { TaskAdapter } from '../core/contracts/task.js';

// MSRVTT-QA (Xu et al. 2017): open-ended questions on MSR-VTT web clips, one short answer each,
// scored by exact match (Emu2-Chat reports 31.4 with 16 uniformly sampled frames). Videos are
// `video<video_id>.mp4` as in the MSR-VTT download (TestVideo/, TrainValVideo/) or flattened.

const layout: VideoQaListLayout = {
  taskId: 'msrvtt-qa',
  splits: [
    { name: 'test', file: 'test_qa.json' },
    { name: 'val', file: 'val_qa.json' },
    { name: 'train', file: 'train_qa.json' },
  ],
  videos: { folders: ['TestVideo', 'TrainValVideo', 'videos', 'video', ''], extensions: ['.mp4', '.webm', '.mkv', '.avi'], framesFolder: 'frames' },
  async prepare() {
    return { videoName: (videoId) => `video${videoId}`, describeMissing: (videoId) => `no video name for video_id ${videoId}` };
  },
};

export const msrvttQa = {
  id: 'msrvtt-qa',
  benchmark: 'MSRVTT-QA',
  version: 1,
  modality: 'video',
  metric: 'exact_match',
  evaluator: 'emu-eval-exact-match',
  description: 'MSRVTT-QA: open-ended questions about MSR-VTT web video clips, scored by exact match on one answer',
  splits: videoQaSplitInfos(layout),
  defaultSplit: 'test',
  sampleFolder: 'msrvtt-qa',
  recordMeta: ['videoId', 'questionType'],
  breakdowns: ['questionType'],
  clusterBy: 'videoId',
  load: loadOnFirstUse(async () => {
    const { loadVideoQaList } = await import('./formats/video-qa-list.js');
    return (options) => loadVideoQaList(layout, options);
  }),
} satisfies TaskAdapter;
