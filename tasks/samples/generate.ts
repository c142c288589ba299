import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { writeGqa } from './generator/write-gqa.js';
import { writeHatefulMemes } from './generator/write-hateful-memes.js';
import { writeMmVet } from './generator/write-mm-vet.js';
import { writeMmmu } from './generator/write-mmmu.js';
import { writeMmbench } from './generator/write-mmbench.js';
import { writeOkVqa } from './generator/write-okvqa.js';
import { writeSeedBench } from './generator/write-seed-bench.js';
import { writeTextVqa } from './generator/write-textvqa.js';
import { writeVizWiz } from './generator/write-vizwiz.js';
import { writeVqav2 } from './generator/write-vqav2.js';

// Regenerates the bundled synthetic samples under tasks/samples/data/ (`npm run samples`).
// Deterministic: the same code gives the same bytes, so a diff after regenerating means the
// generator (or sharp's JPEG encoder) changed.

const dataRoot = fileURLToPath(new URL('./data/', import.meta.url));

const writers = {
  vqav2: writeVqav2,
  okvqa: writeOkVqa,
  vizwiz: writeVizWiz,
  textvqa: writeTextVqa,
  gqa: writeGqa,
  'hateful-memes': writeHatefulMemes,
  mmmu: writeMmmu,
  'mm-vet': writeMmVet,
  'seed-bench': writeSeedBench,
  mmbench: writeMmbench,
};

for (const [folder, write] of Object.entries(writers)) {
  const counts = await write(path.join(dataRoot, folder));
  const summary = Object.entries(counts)
    .map(([split, count]) => `${split} ${count}`)
    .join(', ');
  console.log(`${folder}: ${summary} questions`);
}
try {
  console.log(`total size: ${execFileSync('du', ['-sh', dataRoot], { encoding: 'utf8' }).split('\t')[0]}`);
} catch {
  // `du` is only for the summary line.
}
