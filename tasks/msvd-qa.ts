import path from 'node:path';
import { videoQaSplitInfos, type VideoQaListLayout } from './formats/video-qa-layout.js';
import { loadOnFirstUse } from './formats/lazy-load.js';
import type { TaskAdapter } from '../core/contracts/task.js';

// MSVD-QA (Xu et al. 2017): open-ended questions on the MSVD YouTube clips, scored by exact match
// (Emu2-Chat reports 49.0 with 16 uniformly sampled frames). Questions name videos by number;
// youtube_mapping.txt maps `vid<number>` to the clip file (YouTubeClips/<clip>.avi as distributed).

const MAPPING_FILE = 'youtube_mapping.txt';

const layout: VideoQaListLayout = {
  taskId: 'msvd-qa',
  splits: [
    { name: 'test', file: 'test_qa.json' },
    { name: 'val', file: 'val_qa.json' },
    { name: 'train', file: 'train_qa.json' },
  ],
  sharedFiles: [MAPPING_FILE],
  videos: { folders: ['YouTubeClips', 'videos', 'video', ''], extensions: ['.avi', '.mp4', '.webm', '.mkv'], framesFolder: 'frames' },
  async prepare(dataDir, sink) {
    const file = path.join(dataDir, MAPPING_FILE);
    const { readYoutubeMapping } = await import('./formats/video-youtube-mapping.js');
    const mapping = await readYoutubeMapping(file, sink);
    return { videoName: (videoId) => mapping.clipOf(videoId), describeMissing: (videoId) => `video_id ${videoId} has no "vid${videoId}" line in ${file}` };
  },
};

export const msvdQa = {
  id: 'msvd-qa',
  benchmark: 'MSVD-QA',
  version: 1,
  modality: 'video',
  metric: 'exact_match',
  evaluator: 'emu-eval-exact-match',
  description: 'MSVD-QA: open-ended questions about short YouTube clips (MSVD), scored by exact match on one answer',
  splits: videoQaSplitInfos(layout),
  defaultSplit: 'test',
  sampleFolder: 'msvd-qa',
  recordMeta: ['videoId', 'questionType'],
  breakdowns: ['questionType'],
  clusterBy: 'videoId',
  load: loadOnFirstUse(async () => {
    const { loadVideoQaList } = await import('./formats/video-qa-list.js');
    return (options) => loadVideoQaList(layout, options);
  }),
} satisfies TaskAdapter;
