import type { SplitInfo } from '../../core/contracts/task.js';
import type { ProblemSink } from './problem-sink.js';
import type { VideoLayout } from './video-files.js';

// How a MSRVTT-QA / MSVD-QA style dataset is laid out, apart from its reader (video-qa-list.ts): task
// modules declare their splits with this at start and import the reader only when a split is loaded.

export interface VideoQaSplit {
  name: string;
  file: string;
}

export interface VideoQaListLayout {
  taskId: string;
  splits: readonly VideoQaSplit[];
  /** Extra files every split needs (MSVD's youtube_mapping.txt). */
  sharedFiles?: readonly string[];
  videos: VideoLayout;
  /**
   * The file name stem (and cluster id) of a video_id, e.g. `video7010`; undefined when the id has
   * no video (reported by the caller's `describeMissing`).
   */
  prepare(dataDir: string, sink: ProblemSink): Promise<{ videoName(videoId: number): string | undefined; describeMissing(videoId: number): string }>;
}

export function videoQaSplitInfos(layout: VideoQaListLayout): SplitInfo[] {
  return layout.splits.map((split) => ({ name: split.name, hasAnswers: true, files: [split.file, ...(layout.sharedFiles ?? [])] }));
}
