import path from 'node:path';
import { humanAnswers } from './human-answers.js';
import { freshFolder, writeJpeg, writeJson } from './output.js';
import { Raster } from './raster.js';
import { BACKGROUNDS, SHAPE_COLORS } from './scenes.js';
import { SeededRandom } from './seeded-random.js';

// TextVQA: questions answered by reading the image. Each sample image is a sign with a word and
// often a number, drawn in the bitmap font; val images live in train_images/ as in the real download.

const WORDS = ['STOP', 'EXIT', 'OPEN', 'SALE', 'CAFE', 'PARK', 'TAXI', 'HOTEL', 'BANK', 'PIZZA', 'BAKERY', 'MUSEUM', 'POLICE', 'SCHOOL', 'MARKET', 'DINER', 'RADIO'];
const SIGN_COLORS = ['red', 'blue', 'green', 'purple'] as const;
const IMAGE_SIZE = 96;
const QUESTIONS_PER_SPLIT = 40;

function questionTokens(question: string): string[] {
  return question
    .toLowerCase()
    .replace(/[?]/g, '')
    .split(/\s+/)
    .filter((token) => token.length > 0);
}

function hexId(random: SeededRandom): string {
  return Array.from({ length: 16 }, () => random.integer(0, 15).toString(16)).join('');
}

const plans = [
  { split: 'val', file: 'TextVQA_0.5.1_val.json', firstQuestionId: 34602 },
  { split: 'train', file: 'TextVQA_0.5.1_train.json', firstQuestionId: 0 },
];

export async function writeTextVqa(folder: string): Promise<Record<string, number>> {
  freshFolder(folder);
  const counts: Record<string, number> = {};
  for (const plan of plans) {
    const random = new SeededRandom(`textvqa/${plan.split}`);
    const data: unknown[] = [];
    let questionId = plan.firstQuestionId;
    while (data.length < QUESTIONS_PER_SPLIT) {
      const imageId = hexId(random);
      const word = random.pick(WORDS);
      const number = random.chance(0.6) ? String(random.pick([random.integer(1, 99), random.integer(100, 999), random.integer(1990, 2024)])) : undefined;
      const raster = new Raster(IMAGE_SIZE, IMAGE_SIZE, BACKGROUNDS[random.pick(['white', 'gray'] as const)]);
      raster.fillRectangle(6, 18, 84, number ? 60 : 40, SHAPE_COLORS[random.pick(SIGN_COLORS)]);
      raster.drawText(word, Math.round(48 - Raster.textWidth(word, 2) / 2), 27, 2, [255, 255, 255]);
      if (number) raster.drawText(number, Math.round(48 - Raster.textWidth(number, 2) / 2), 51, 2, [255, 230, 40]);
      await writeJpeg(path.join(folder, 'train_images', `${imageId}.jpg`), raster, { quality: 85 });

      const asked = [{ question: random.pick(['what does the sign say?', 'what word is written on the sign?', 'what is written on the top line?']), answer: word.toLowerCase() }];
      if (number) asked.push({ question: random.pick(['what number is on the sign?', 'what number is written below the word?']), answer: number });
      for (const { question, answer } of asked.slice(0, QUESTIONS_PER_SPLIT - data.length)) {
        const human = humanAnswers(random, answer, 'text', { unanimousChance: 0.4 });
        data.push({
          question,
          image_id: imageId,
          image_classes: ['Sign', 'Text'],
          flickr_original_url: `https://example.invalid/emu-eval-synthetic/${imageId}_o.jpg`,
          flickr_300k_url: `https://example.invalid/emu-eval-synthetic/${imageId}_z.jpg`,
          image_width: IMAGE_SIZE,
          image_height: IMAGE_SIZE,
          answers: human.answers,
          question_tokens: questionTokens(question),
          question_id: questionId++,
          set_name: plan.split,
        });
      }
    }
    writeJson(path.join(folder, plan.file), { dataset_type: plan.split, dataset_name: 'textvqa', dataset_version: '0.5.1', data });
    counts[plan.split] = data.length;
  }
  return counts;
}
