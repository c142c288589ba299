import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freshFolder, writeJson } from '../generator/output.js';
import { SeededRandom } from '../generator/seeded-random.js';
import { encodeVideo } from './encode-video.js';
import { msrvttStyle, videoQuestions } from './video-questions.js';
import { randomVideoScene, renderVideoFrames } from './video-scenes.js';

// MSVD-QA test split: test_qa.json [{id, video_id, question, answer}], youtube_mapping.txt
// (`<clip> vid<n>` for every clip, not only the test ones) and YouTubeClips/<clip>.avi — MPEG-4
// Part 2 in AVI with an XviD tag, like the distributed clips.

const VIDEO_COUNT = 8;
const MAPPED_ONLY = 4;
const YOUTUBE_ID_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function clipName(random: SeededRandom): string {
  const youtubeId = Array.from({ length: 11 }, () => random.pick([...YOUTUBE_ID_CHARACTERS])).join('');
  const start = random.integer(0, 200);
  return `${youtubeId}_${start}_${start + random.integer(4, 15)}`;
}

export async function writeMsvdQa(folder: string): Promise<Record<string, number>> {
  freshFolder(folder);
  const random = new SeededRandom('msvd-qa/test');
  // Test clips are vid1301 … vid1970 in MSVD-QA; a few train clips appear only in the mapping.
  const testIds = random.distinctIntegers(VIDEO_COUNT, 1301, 1970).sort((a, b) => a - b);
  const trainIds = random.distinctIntegers(MAPPED_ONLY, 1, 1200).sort((a, b) => a - b);
  const clips = new Map([...trainIds, ...testIds].map((videoId) => [videoId, clipName(random)] as const));
  const entries: Array<{ answer: string; id: number; question: string; video_id: number }> = [];
  let nextId = 30_933;
  for (const videoId of testIds) {
    const scene = randomVideoScene(random, { size: 64, frameCount: 20 });
    await encodeVideo(path.join(folder, 'YouTubeClips', `${clips.get(videoId)}.avi`), renderVideoFrames(scene), { framesPerSecond: 10, codec: 'mpeg4', keyframeInterval: 10 });
    for (const asked of videoQuestions(scene, random, random.integer(2, 4))) {
      entries.push({ answer: msrvttStyle(asked).answer, id: nextId++, question: msrvttStyle(asked).question, video_id: videoId });
    }
  }
  writeJson(path.join(folder, 'test_qa.json'), entries);
  const mapping = [...clips].sort(([a], [b]) => a - b).map(([videoId, clip]) => `${clip} vid${videoId}`);
  writeFileSync(path.join(folder, 'youtube_mapping.txt'), `${mapping.join('\n')}\n`);
  return { test: entries.length };
}
