import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { CIRCULAR_OFFSET } from '../../../scoring/multiple-choice/circular-eval.js';
import { choiceQuestions, placeOptions, type ChoiceQuestion } from './choice-questions.js';
import { circularPasses } from './circular-passes.js';
import { freshFolder } from './output.js';
import { randomScene, renderScene } from './scenes.js';
import { SeededRandom } from './seeded-random.js';

// MMBench in VLMEvalKit's layout: MMBench_DEV_EN.tsv (with answers) and MMBench_TEST_EN.tsv (without),
// and their v1.1 namesakes,
// one row per CircularEval pass, the JPEG base64-encoded in the main row's `image` cell and the later
// passes naming the main row's index there. Rows are ordered as VLMEvalKit's CIRCULAR tool writes them:
// per option count, the main rows, then every first rotation, then every second ...

const ABILITY_OF: Partial<Record<ChoiceQuestion['skill'], { category: string; l2: string }>> = {
  scene: { category: 'image_scene', l2: 'coarse_perception' },
  identity: { category: 'attribute_recognition', l2: 'finegrained_perception (instance-level)' },
  attribute: { category: 'attribute_recognition', l2: 'finegrained_perception (instance-level)' },
  location: { category: 'object_localization', l2: 'finegrained_perception (instance-level)' },
  spatial: { category: 'spatial_relationship', l2: 'finegrained_perception (cross-instance)' },
};

const HINTS = ['The shapes are drawn on a three by three grid.', 'Look at the flat coloured shapes.\n\nIgnore the background.'];
const COLUMNS = ['index', 'question', 'hint', 'A', 'B', 'C', 'D', 'answer', 'category', 'image', 'source', 'l2-category', 'comment', 'split'];

interface MainRow {
  index: number;
  question: string;
  hint: string;
  options: string[];
  answer: number;
  category: string;
  l2: string;
  image: string;
}

function tsvCell(text: string): string {
  // pandas quotes a cell holding a tab, newline or quote, doubling the quotes.
  return /[\t\n\r"]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

async function mainRows(split: string, questions: number): Promise<MainRow[]> {
  const random = new SeededRandom(`mmbench/${split}`);
  const rows: MainRow[] = [];
  while (rows.length < questions) {
    const scene = randomScene(random, 2, 5);
    const image = (await renderScene(scene, 96).toJpeg()).toString('base64');
    for (const question of choiceQuestions(scene, random, 2)) {
      const ability = ABILITY_OF[question.skill];
      if (!ability || rows.length === questions) continue;
      const { options, answer } = placeOptions(question, random.integer(2, 4), random);
      rows.push({
        index: rows.length,
        question: question.question,
        hint: random.chance(0.3) ? random.pick(HINTS) : '',
        options,
        answer: answer.charCodeAt(0) - 65,
        category: ability.category,
        l2: ability.l2,
        image,
      });
    }
  }
  return rows;
}

function circularTsv(mains: MainRow[], split: string, withAnswers: boolean): string {
  const byCount = new Map<number, MainRow[]>();
  for (const row of mains) byCount.set(row.options.length, [...(byCount.get(row.options.length) ?? []), row]);
  const lines = [COLUMNS.filter((column) => withAnswers || column !== 'answer').join('\t')];
  for (const [count, rows] of byCount) {
    for (let pass = 0; pass < count; pass++) {
      for (const row of rows) {
        const rotated = circularPasses(row.options, row.answer)[pass]!;
        const cells: Record<string, string> = {
          index: String(row.index + pass * CIRCULAR_OFFSET),
          question: row.question,
          hint: row.hint,
          answer: String.fromCharCode(65 + rotated.answer),
          category: row.category,
          image: pass === 0 ? row.image : String(row.index),
          source: 'emu-eval-synthetic',
          'l2-category': row.l2,
          comment: '',
          split,
        };
        ['A', 'B', 'C', 'D'].forEach((letter, position) => (cells[letter] = rotated.options[position] ?? ''));
        lines.push(COLUMNS.filter((column) => withAnswers || column !== 'answer').map((column) => tsvCell(cells[column]!)).join('\t'));
      }
    }
  }
  return lines.join('\n') + '\n';
}

export async function writeMmbench(folder: string): Promise<Record<string, number>> {
  freshFolder(folder);
  const plans = [
    { split: 'dev', file: 'MMBench_DEV_EN.tsv', questions: 12, withAnswers: true },
    { split: 'test', file: 'MMBench_TEST_EN.tsv', questions: 6, withAnswers: false },
    // MMBench v1.1 (VLMEvalKit's MMBench_*_V11): the same layout.
    { split: 'dev-v11', file: 'MMBench_DEV_EN_V11.tsv', questions: 5, withAnswers: true },
    { split: 'test-v11', file: 'MMBench_TEST_EN_V11.tsv', questions: 3, withAnswers: false },
  ];
  const counts: Record<string, number> = {};
  for (const plan of plans) {
    const mains = await mainRows(plan.split, plan.questions);
    writeFileSync(path.join(folder, plan.file), circularTsv(mains, plan.split, plan.withAnswers));
    counts[plan.split] = mains.reduce((sum, row) => sum + row.options.length, 0);
  }
  return counts;
}
