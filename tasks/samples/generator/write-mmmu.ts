import path from 'node:path';
import { freshFolder, writeJpeg, writeJson } from './output.js';
import { BACKGROUNDS, drawShape, SHAPE_COLOR_NAMES, SHAPE_COLORS, SHAPE_KINDS, type ShapeColor, type ShapeKind } from './scenes.js';
import { Raster } from './raster.js';
import { SeededRandom } from './seeded-random.js';

// MMMU in the rows of its Hugging Face release, written as JSON (tasks/mmmu.ts): one shape per image,
// questions that reference their images by <image N> in the text and the options, multiple-choice
// and open questions (one with several accepted answers, as a list literal), subjects from every
// discipline. The test split has hidden answers ("?"), as released.

const SUBJECTS = ['Art', 'Accounting', 'Biology', 'Pharmacy', 'History', 'Electronics', 'Math', 'Design'] as const;
const SIDES: Record<ShapeKind, string> = { circle: '0', square: '4', triangle: '3' };
const SPLITS = [
  { name: 'validation', count: 24 },
  { name: 'dev', count: 5 },
  { name: 'test', count: 6 },
] as const;

interface Drawn {
  kind: ShapeKind;
  color: ShapeColor;
  cell: { path: string };
}

/** A Python list literal as MMMU stores options: single quotes, double quotes when the text has one. */
function pythonList(items: readonly string[]): string {
  return `[${items.map((item) => (item.includes("'") ? `"${item}"` : `'${item}'`)).join(', ')}]`;
}

function letter(index: number): string {
  return String.fromCharCode(65 + index);
}

export async function writeMmmu(folder: string): Promise<Record<string, number>> {
  freshFolder(folder);
  const counts: Record<string, number> = {};
  for (const split of SPLITS) {
    const random = new SeededRandom(`mmmu/${split.name}`);
    const rows: unknown[] = [];
    for (let index = 0; index < split.count; index++) {
      const subject = SUBJECTS[index % SUBJECTS.length]!;
      const id = `${split.name}_${subject}_${index + 1}`;
      const imageCount = index % 3 === 2 ? 2 : 1;
      const images: Drawn[] = [];
      // Distinct colors, so "which image shows the red shape" has one answer.
      const colors = random.shuffle(SHAPE_COLOR_NAMES).slice(0, imageCount);
      for (let image = 1; image <= imageCount; image++) {
        const kind = random.pick(SHAPE_KINDS);
        const color = colors[image - 1]!;
        const raster = new Raster(64, 64, BACKGROUNDS.white);
        drawShape(raster, kind, 32, 32, 44, SHAPE_COLORS[color]);
        const file = `images/${id}_${image}.jpg`;
        await writeJpeg(path.join(folder, file), raster);
        images.push({ kind, color, cell: { path: file } });
      }
      const [first, second] = images as [Drawn, Drawn | undefined];
      let question: string;
      let options: string[] = [];
      let answer: string;
      let type: 'multiple-choice' | 'open';
      if (second) {
        const asked = random.pick([first, second]);
        question = `Which image shows the ${asked.color} shape: <image 1> or <image 2>?`;
        options = ['The first image', "The second image's shape", 'Neither'];
        answer = asked === first ? 'A' : 'B';
        type = 'multiple-choice';
      } else if (index % 3 === 0) {
        const wrong = random.shuffle(SHAPE_COLOR_NAMES.filter((color) => color !== first.color)).slice(0, 3);
        options = random.shuffle([first.color, ...wrong]);
        question = 'What color is the shape in <image 1>?';
        answer = letter(options.indexOf(first.color));
        type = 'multiple-choice';
      } else if (index % 6 === 1) {
        question = 'How many sides does the shape in <image 1> have?';
        answer = SIDES[first.kind];
        type = 'open';
      } else {
        question = 'Name the color of the shape in <image 1>.';
        answer = pythonList([first.color, `${first.color}ish`]);
        type = 'open';
      }
      rows.push({
        id,
        question,
        options: pythonList(options),
        explanation: '',
        image_1: first.cell,
        image_2: second?.cell ?? null,
        image_3: null,
        image_4: null,
        image_5: null,
        image_6: null,
        image_7: null,
        img_type: "['Diagrams']",
        answer: split.name === 'test' ? '?' : answer,
        topic_difficulty: random.pick(['Easy', 'Medium', 'Hard']),
        question_type: type,
        subfield: 'Synthetic shapes',
      });
    }
    writeJson(path.join(folder, `${split.name}.json`), rows);
    counts[split.name] = rows.length;
  }
  return counts;
}
