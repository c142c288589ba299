import path from 'node:path';
import { freshFolder, writeJpeg, writeJson } from './output.js';
import { BACKGROUNDS, drawShape, SHAPE_COLOR_NAMES, SHAPE_COLORS, SHAPE_KINDS } from './scenes.js';
import { Raster } from './raster.js';
import { SeededRandom } from './seeded-random.js';

// MM-Vet as its release lays it out (tasks/mm-vet.ts): mm-vet.json keyed v1_0, v1_1 ..., images/ next
// to it. One shape per image; questions in the capability combinations the real set uses most, gold
// answers with <OR> alternatives and <AND> parts as the real ones have.

const SAMPLES = 24;
const SIDES = { circle: '0', square: '4', triangle: '3' } as const;

export async function writeMmVet(folder: string): Promise<Record<string, number>> {
  freshFolder(folder);
  const random = new SeededRandom('mm-vet');
  const entries: Record<string, unknown> = {};
  for (let index = 0; index < SAMPLES; index++) {
    const kind = random.pick(SHAPE_KINDS);
    const color = random.pick(SHAPE_COLOR_NAMES);
    const raster = new Raster(64, 64, BACKGROUNDS.white);
    drawShape(raster, kind, 32, 32, 44, SHAPE_COLORS[color]);
    const imagename = `v1_${index}.jpg`;
    await writeJpeg(path.join(folder, 'images', imagename), raster);
    const variants = [
      { capability: ['rec'], question: 'What shape is shown?', answer: `${kind}` },
      { capability: ['rec', 'know', 'gen'], question: 'Describe the picture and say where such a shape is commonly seen.', answer: `A ${color} ${kind}<OR>a ${kind} in ${color}` },
      { capability: ['rec', 'spat'], question: 'Is the shape in the middle of the picture?', answer: 'yes' },
      { capability: ['rec', 'math'], question: 'How many sides does the shape have?', answer: SIDES[kind] },
      { capability: ['rec', 'spat'], question: 'What color is the shape, and what color is the background?', answer: `${color}<AND>white` },
    ];
    const variant = variants[index % variants.length]!;
    entries[`v1_${index}`] = { imagename, capability: variant.capability, question: variant.question, answer: variant.answer };
  }
  writeJson(path.join(folder, 'mm-vet.json'), entries);
  return { test: SAMPLES };
}
