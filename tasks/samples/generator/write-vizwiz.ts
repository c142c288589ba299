import path from 'node:path';
import { humanAnswers, type AnswerKind, type HumanAnswers } from './human-answers.js';
import { freshFolder, writeJpeg, writeJson } from './output.js';
import { Raster } from './raster.js';
import { BACKGROUNDS, drawShape, SHAPE_COLOR_NAMES, SHAPE_COLORS, SHAPE_KINDS } from './scenes.js';
import { SeededRandom } from './seeded-random.js';

// VizWiz: one photo per question, taken by a blind person, so some photos are too blurred or dark to
// answer. Here: one object filling the frame, a few dots, a label, or a blurred near-black frame.

type VizWizAnswerType = 'yes/no' | 'number' | 'other' | 'unanswerable';

interface VizWizItem {
  raster: Raster;
  blur?: number;
  question: string;
  answer: string;
  kind: AnswerKind;
  answerType: VizWizAnswerType;
}

const IMAGE_SIZE = 80;
const LABELS = ['MILK', 'SOUP', 'TEA', 'RICE', 'SALT', 'JAM', 'COFFEE', 'SUGAR'];

function makeItem(random: SeededRandom): VizWizItem {
  const background = BACKGROUNDS[random.pick(['white', 'gray'] as const)];
  const raster = new Raster(IMAGE_SIZE, IMAGE_SIZE, background);
  const color = random.pick(SHAPE_COLOR_NAMES);
  const kind = random.pick(SHAPE_KINDS);
  const roll = random.integer(0, 5);
  if (roll <= 1) {
    drawShape(raster, kind, 40, 40, 56, SHAPE_COLORS[color]);
    if (roll === 0) return { raster, question: random.pick(['What color is this?', 'Can you tell me what color this is?']), answer: color, kind: 'color', answerType: 'other' };
    const asked = random.chance(0.5) ? color : random.pick(SHAPE_COLOR_NAMES);
    return { raster, question: `Is this ${asked}?`, answer: asked === color ? 'yes' : 'no', kind: 'yes/no', answerType: 'yes/no' };
  }
  if (roll === 2) {
    drawShape(raster, kind, 40, 40, 56, SHAPE_COLORS[color]);
    return { raster, question: random.pick(["What's the shape of this?", 'What shape is this?']), answer: kind, kind: 'shape', answerType: 'other' };
  }
  if (roll === 3) {
    const count = random.integer(1, 5);
    for (let dot = 0; dot < count; dot++) raster.fillCircle(12 + dot * 14, 40, 5, SHAPE_COLORS[color]);
    return { raster, question: 'How many dots are on this card?', answer: String(count), kind: 'number', answerType: 'number' };
  }
  if (roll === 4) {
    const label = random.pick(LABELS);
    raster.fillRectangle(4, 24, 72, 32, SHAPE_COLORS[color]);
    raster.drawText(label, Math.round(40 - Raster.textWidth(label, 2) / 2), 33, 2, [255, 255, 255]);
    return { raster, question: random.pick(['What does this label say?', 'What is in this package?']), answer: label.toLowerCase(), kind: 'text', answerType: 'other' };
  }
  const dark = new Raster(IMAGE_SIZE, IMAGE_SIZE, [20, 18, 16]);
  drawShape(dark, kind, 40, 40, 40, [60, 55, 50]);
  return { raster: dark, blur: 8, question: random.pick(['What is this?', 'What is the expiration date on this?', 'Can you read this for me?']), answer: 'unanswerable', kind: 'word', answerType: 'unanswerable' };
}

function unanswerableAnswers(random: SeededRandom): HumanAnswers {
  return humanAnswers(random, 'unanswerable', 'word', { alternatives: ['unsuitable', 'blurry', 'too dark'], unanimousChance: 0.3 });
}

const plans = [
  { split: 'val', count: 40, annotated: true },
  { split: 'train', count: 40, annotated: true },
  { split: 'test', count: 12, annotated: false },
];

export async function writeVizWiz(folder: string): Promise<Record<string, number>> {
  freshFolder(folder);
  const counts: Record<string, number> = {};
  for (const plan of plans) {
    const random = new SeededRandom(`vizwiz/${plan.split}`);
    const entries: unknown[] = [];
    for (let index = 0; index < plan.count; index++) {
      const image = `VizWiz_${plan.split}_${String(index).padStart(8, '0')}.jpg`;
      const item = makeItem(random);
      await writeJpeg(path.join(folder, plan.split, image), item.raster, { blur: item.blur });
      if (!plan.annotated) {
        entries.push({ image, question: item.question });
        continue;
      }
      const human = item.answerType === 'unanswerable' ? unanswerableAnswers(random) : humanAnswers(random, item.answer, item.kind);
      entries.push({
        image,
        question: item.question,
        answers: human.answers.map((answer, position) => ({ answer_confidence: human.confidences[position], answer })),
        answer_type: item.answerType,
        answerable: item.answerType === 'unanswerable' ? 0 : 1,
      });
    }
    writeJson(path.join(folder, `${plan.split}.json`), entries);
    counts[plan.split] = entries.length;
  }
  return counts;
}
