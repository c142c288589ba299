import path from 'node:path';
import { freshFolder, writeJson } from '../generator/output.js';
import { SeededRandom } from '../generator/seeded-random.js';
import { encodeVideo } from './encode-video.js';
import { msrvttStyle, videoQuestions } from './video-questions.js';
import { randomVideoScene, renderVideoFrames } from './video-scenes.js';

// MSRVTT-QA test split: test_qa.json [{id, video_id, question, answer}] and the MSR-VTT test videos
// TestVideo/video<7010…9999>.mp4 (H.264 with B-frames, as downloaded).

const VIDEO_COUNT = 8;
const QUESTIONS_PER_VIDEO = [2, 4] as const;

export async function writeMsrvttQa(folder: string): Promise<Record<string, number>> {
  freshFolder(folder);
  const random = new SeededRandom('msrvtt-qa/test');
  const entries: Array<{ answer: string; id: number; question: string; video_id: number }> = [];
  let nextId = 158_581;
  for (const videoId of random.distinctIntegers(VIDEO_COUNT, 7010, 9999).sort((a, b) => a - b)) {
    const scene = randomVideoScene(random, { size: 64, frameCount: 24 });
    await encodeVideo(path.join(folder, 'TestVideo', `video${videoId}.mp4`), renderVideoFrames(scene), { framesPerSecond: 8, codec: 'h264', keyframeInterval: 12 });
    for (const asked of videoQuestions(scene, random, random.integer(...QUESTIONS_PER_VIDEO))) {
      entries.push({ answer: msrvttStyle(asked).answer, id: nextId++, question: msrvttStyle(asked).question, video_id: videoId });
    }
  }
  writeJson(path.join(folder, 'test_qa.json'), entries);
  return { test: entries.length };
}
