import path from 'node:path';
import { freshFolder, writeJpeg, writeJson } from '../generator/output.js';
import { SeededRandom } from '../generator/seeded-random.js';
import { encodeVideo, type VideoCodec } from './encode-video.js';
import { videoQuestions } from './video-questions.js';
import { randomVideoScene, renderVideoFrames } from './video-scenes.js';

// ActivityNet-QA test split: test_q.json [{video_name, question_id, question}], test_a.json
// [{answer, type, question_id}] and videos/v_<video_name>.<ext>. ActivityNet mixes containers, so
// the sample does too (.mp4, .mkv, .webm), and one video is given as a folder of pre-extracted
// frames (frames/v_<video_name>/), the alternative layout the adapter accepts.

const YOUTUBE_ID_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const FORMS: Array<{ extension: string; codec: VideoCodec } | 'frames'> = [
  { extension: '.mp4', codec: 'h264' },
  { extension: '.mp4', codec: 'h264' },
  { extension: '.mkv', codec: 'h264' },
  { extension: '.webm', codec: 'vp9' },
  { extension: '.mp4', codec: 'h264' },
  'frames',
  { extension: '.mp4', codec: 'h264' },
];

export async function writeActivityNetQa(folder: string): Promise<Record<string, number>> {
  freshFolder(folder);
  const random = new SeededRandom('activitynet-qa/test');
  const questions: Array<{ video_name: string; question_id: string; question: string }> = [];
  const answers: Array<{ answer: string; type: number; question_id: string }> = [];
  for (const form of FORMS) {
    const videoName = Array.from({ length: 11 }, () => random.pick([...YOUTUBE_ID_CHARACTERS])).join('');
    const scene = randomVideoScene(random, { size: 80, frameCount: 24 });
    const frames = renderVideoFrames(scene);
    if (form === 'frames') {
      for (const [index, frame] of frames.entries()) await writeJpeg(path.join(folder, 'frames', `v_${videoName}`, `${String(index + 1).padStart(6, '0')}.jpg`), frame, { quality: 85 });
    } else {
      await encodeVideo(path.join(folder, 'videos', `v_${videoName}${form.extension}`), frames, { framesPerSecond: 6, codec: form.codec, keyframeInterval: 12 });
    }
    // ActivityNet-QA numbers a video's questions from 0, and the first ones are not always kept.
    let number = random.integer(0, 3);
    for (const asked of videoQuestions(scene, random, random.integer(3, 5))) {
      const questionId = `v_${videoName}_${number}`;
      number += random.integer(1, 2);
      questions.push({ video_name: videoName, question_id: questionId, question: asked.question });
      answers.push({ answer: asked.answer, type: asked.type, question_id: questionId });
    }
  }
  writeJson(path.join(folder, 'test_q.json'), questions);
  writeJson(path.join(folder, 'test_a.json'), answers);
  return { test: questions.length };
}
