import path from 'node:path';
import { humanAnswers, type AnswerKind } from './human-answers.js';
import { freshFolder, writeJpeg, writeJson } from './output.js';
import { drawShape, BACKGROUNDS, SHAPE_COLORS, SHAPE_KINDS, type ShapeColor, type ShapeKind } from './scenes.js';
import { Raster } from './raster.js';
import { SeededRandom } from './seeded-random.js';
import { cocoFileName, SYNTHETIC_INFO, SYNTHETIC_LICENSE } from './write-vqav2.js';

// OK-VQA asks what the picture reminds you of, not just what it shows: here, one large shape whose
// colour or form calls for a little world knowledge (fruit of that colour, traffic-light meaning).
// OK-VQA keeps each annotator's raw answer next to a processed one, and labels question types by topic.

interface KnowledgeQuestion {
  question: string;
  answer: string;
  kind: AnswerKind;
  alternatives: string[];
  /** OK-VQA topic: one = vehicles and transportation, five = cooking and food, nine = science, ten = weather... */
  questionType: string;
}

const fruitByColor: Partial<Record<ShapeColor, [string, string[]]>> = {
  red: ['apple', ['strawberry', 'cherry', 'tomato']],
  yellow: ['banana', ['lemon', 'pineapple']],
  orange: ['orange', ['tangerine', 'peach']],
  green: ['lime', ['apple', 'pear', 'kiwi']],
  purple: ['grape', ['plum', 'eggplant']],
};
const trafficMeaning: Partial<Record<ShapeColor, [string, string[]]>> = {
  red: ['stop', ['halt']],
  green: ['go', ['proceed']],
  yellow: ['slow down', ['caution', 'wait']],
};
const seasonByColor: Partial<Record<ShapeColor, [string, string[]]>> = {
  orange: ['fall', ['autumn']],
  green: ['summer', ['spring']],
  yellow: ['fall', ['autumn']],
};
const sides: Partial<Record<ShapeKind, string>> = { triangle: '3', square: '4' };

function knowledgeQuestions(color: ShapeColor, kind: ShapeKind): KnowledgeQuestion[] {
  const questions: KnowledgeQuestion[] = [];
  const fruit = fruitByColor[color];
  if (fruit) questions.push({ question: 'What fruit is usually this color?', answer: fruit[0], alternatives: fruit[1], kind: 'word', questionType: 'five' });
  const traffic = trafficMeaning[color];
  if (traffic) questions.push({ question: 'What does this color mean on a traffic light?', answer: traffic[0], alternatives: traffic[1], kind: 'word', questionType: 'one' });
  const season = seasonByColor[color];
  if (season) questions.push({ question: 'In which season are leaves often this color?', answer: season[0], alternatives: season[1], kind: 'word', questionType: 'ten' });
  const sideCount = sides[kind];
  if (sideCount) questions.push({ question: 'How many sides does this shape have?', answer: sideCount, alternatives: [], kind: 'number', questionType: 'nine' });
  else questions.push({ question: 'What sport is played with a ball of this shape?', answer: 'soccer', alternatives: ['basketball', 'football', 'tennis'], kind: 'word', questionType: 'four' });
  return questions;
}

/** OK-VQA's processed answer: lower case, no articles or end punctuation. */
function processAnswer(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/["!.]/g, '')
    .replace(/^(a|an|the) /, '')
    .trim();
}

const plans = [
  { dataSubtype: 'val2014', imageFolder: 'val2014', questionsFile: 'OpenEnded_mscoco_val2014_questions.json', annotationsFile: 'mscoco_val2014_annotations.json' },
  { dataSubtype: 'train2014', imageFolder: 'train2014', questionsFile: 'OpenEnded_mscoco_train2014_questions.json', annotationsFile: 'mscoco_train2014_annotations.json' },
];

const QUESTIONS_PER_SPLIT = 40;
const KNOWLEDGE_COLORS: ShapeColor[] = ['red', 'yellow', 'orange', 'green', 'purple'];

export async function writeOkVqa(folder: string): Promise<Record<string, number>> {
  freshFolder(folder);
  const counts: Record<string, number> = {};
  for (const plan of plans) {
    const random = new SeededRandom(`okvqa/${plan.dataSubtype}`);
    const questions: unknown[] = [];
    const annotations: unknown[] = [];
    for (const imageId of random.distinctIntegers(QUESTIONS_PER_SPLIT, 1000, 581000)) {
      if (questions.length >= QUESTIONS_PER_SPLIT) break;
      const color = random.pick(KNOWLEDGE_COLORS);
      const kind = random.pick(SHAPE_KINDS);
      const raster = new Raster(80, 80, BACKGROUNDS[random.pick(['white', 'gray'] as const)]);
      drawShape(raster, kind, 40, 40, 52, SHAPE_COLORS[color]);
      await writeJpeg(path.join(folder, cocoFileName(plan.imageFolder, imageId)), raster);
      const chosen = random.shuffle(knowledgeQuestions(color, kind)).slice(0, Math.min(2, QUESTIONS_PER_SPLIT - questions.length));
      chosen.forEach((knowledge, position) => {
        // OK-VQA numbers questions per image: question_id = image_id * 10 + position.
        const questionId = imageId * 10 + position;
        questions.push({ image_id: imageId, question: knowledge.question, question_id: questionId });
        const human = humanAnswers(random, knowledge.answer, knowledge.kind, { alternatives: knowledge.alternatives, unanimousChance: 0.25 });
        annotations.push({
          image_id: imageId,
          answer_type: 'other',
          question_type: knowledge.questionType,
          question_id: questionId,
          answers: human.answers.map((raw, index) => ({ answer_id: index + 1, raw_answer: raw, answer_confidence: human.confidences[index], answer: processAnswer(raw) })),
        });
      });
    }
    const info = { ...SYNTHETIC_INFO, version: '1.1', year: 2019 };
    writeJson(path.join(folder, plan.questionsFile), { info, task_type: 'Open-Ended', data_type: 'mscoco', license: SYNTHETIC_LICENSE, data_subtype: plan.dataSubtype, questions });
    writeJson(path.join(folder, plan.annotationsFile), { info, license: SYNTHETIC_LICENSE, data_subtype: plan.dataSubtype, annotations });
    counts[plan.dataSubtype] = questions.length;
  }
  return counts;
}
