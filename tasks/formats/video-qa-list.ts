import path from 'node:path';
import { z } from 'zod';
import type { LoadOptions, Sample } from '../../core/contracts/task.js';
import { FirstOccurrences, ProblemSink } from './problem-sink.js';
import { findSplit, locateSplitFiles } from './split-files.js';
import { streamValidated } from './validated-stream.js';
import { VideoLocator } from './video-files.js';
import { questionWord } from './video-question-type.js';
import { videoQaSplitInfos, type VideoQaListLayout } from './video-qa-layout.js';

export { videoQaSplitInfos, type VideoQaListLayout, type VideoQaSplit } from './video-qa-layout.js';

// MSRVTT-QA and MSVD-QA (Xu et al. 2017) share one format: a JSON list of
// {"id", "video_id", "question", "answer"} per split, one short answer each, several questions
// per video. They differ only in how video_id becomes a file name.

export const videoQaEntrySchema = z.strictObject({
  id: z.number().int().nonnegative(),
  video_id: z.number().int().nonnegative(),
  question: z.string().min(1),
  answer: z.string(),
});

export async function* loadVideoQaList(layout: VideoQaListLayout, options: LoadOptions): AsyncGenerator<Sample> {
  const split = findSplit(layout.taskId, layout.splits, options.split);
  const dataDir = path.resolve(options.dataDir);
  const sink = new ProblemSink(options.onProblem);
  const info = videoQaSplitInfos(layout).find((candidate) => candidate.name === split.name)!;
  const files = await locateSplitFiles(layout.taskId, info, dataDir, sink);
  if (!files) return;
  const [questionsFile] = files;
  const names = await layout.prepare(dataDir, sink);
  const locator = await VideoLocator.open(dataDir, layout.videos);
  const occurrences = new FirstOccurrences<number>();
  for await (const { value: entry, index, path: entryPath } of streamValidated(questionsFile!, { kind: 'array' }, videoQaEntrySchema, sink)) {
    const earlier = occurrences.claim(entry.id, index);
    if (earlier !== undefined) {
      sink.report({ file: questionsFile!, field: `${entryPath}.id`, message: `duplicate question id ${entry.id}, already used by [${earlier}]` });
      continue;
    }
    const videoName = names.videoName(entry.video_id);
    if (videoName === undefined) {
      sink.report({ file: questionsFile!, field: `${entryPath}.video_id`, message: names.describeMissing(entry.video_id) });
      continue;
    }
    const video = locator.locate(videoName, sink, { file: questionsFile!, field: `${entryPath}.video_id` });
    if (!video) continue;
    yield {
      id: String(entry.id),
      question: entry.question,
      answers: [entry.answer],
      media: [video],
      meta: { videoId: videoName, questionType: questionWord(entry.question) },
    };
  }
}
