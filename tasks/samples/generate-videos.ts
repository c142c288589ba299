import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeActivityNetQa } from './video-generator/write-activitynet-qa.js';
import { writeMsrvttQa } from './video-generator/write-msrvtt-qa.js';
import { writeMsvdQa } from './video-generator/write-msvd-qa.js';

// Regenerates the bundled video QA samples under tasks/samples/data/ with the system ffmpeg
// (`node --import tsx tasks/samples/generate-videos.ts`). Deterministic for a given ffmpeg build:
// frames are drawn pixel by pixel and encoded single-threaded with bit-exact muxing.

const dataRoot = fileURLToPath(new URL('./data/', import.meta.url));

const writers = {
  'msvd-qa': writeMsvdQa,
  'msrvtt-qa': writeMsrvttQa,
  'activitynet-qa': writeActivityNetQa,
};

for (const [folder, write] of Object.entries(writers)) {
  const counts = await write(path.join(dataRoot, folder));
  const size = execFileSync('du', ['-sk', path.join(dataRoot, folder)], { encoding: 'utf8' }).split('\t')[0];
  console.log(`${folder}: ${Object.entries(counts).map(([split, count]) => `${split} ${count}`).join(', ')} questions, ${size} KB`);
}
