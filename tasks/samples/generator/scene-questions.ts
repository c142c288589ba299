import type { AnswerKind } from './human-answers.js';
import { countKind, plural, SHAPE_COLOR_NAMES, SHAPE_KINDS, type Scene } from './scenes.js';
import type { SeededRandom } from './seeded-random.js';

// VQA-style questions about a shape scene, each with the answer a careful annotator would give and
// the answer_type / question_type labels VQA assigns (question types are the question's prefix).

export interface SceneQuestion {
  question: string;
  answer: string;
  kind: AnswerKind;
  answerType: 'yes/no' | 'number' | 'other';
  questionType: string;
}

type Template = (scene: Scene, random: SeededRandom) => SceneQuestion | undefined;

const colorOfOnlyShape: Template = (scene, random) => {
  const unique = SHAPE_KINDS.filter((kind) => countKind(scene, kind) === 1);
  if (unique.length === 0) return undefined;
  const kind = random.pick(unique);
  const shape = scene.shapes.find((candidate) => candidate.kind === kind)!;
  return { question: `What color is the ${kind}?`, answer: shape.color, kind: 'color', answerType: 'other', questionType: 'what color is the' };
};

const countOfKind: Template = (scene, random) => {
  const kind = random.pick(SHAPE_KINDS);
  const phrasing = random.pick(['are there', 'are in the picture', 'can you see']);
  return { question: `How many ${plural(kind)} ${phrasing}?`, answer: String(countKind(scene, kind)), kind: 'number', answerType: 'number', questionType: 'how many' };
};

const existenceOfKind: Template = (scene, random) => {
  const kind = random.pick(SHAPE_KINDS);
  if (random.chance(0.5)) {
    const color = random.pick(SHAPE_COLOR_NAMES);
    const present = scene.shapes.some((shape) => shape.kind === kind && shape.color === color);
    return { question: `Is there a ${color} ${kind} in the image?`, answer: present ? 'yes' : 'no', kind: 'yes/no', answerType: 'yes/no', questionType: 'is there a' };
  }
  return { question: `Is there a ${kind}?`, answer: countKind(scene, kind) > 0 ? 'yes' : 'no', kind: 'yes/no', answerType: 'yes/no', questionType: 'is there a' };
};

const backgroundColor: Template = (scene) => ({
  question: 'What color is the background?',
  answer: scene.background,
  kind: 'color',
  answerType: 'other',
  questionType: 'what color is the',
});

const shapeOfOnlyColor: Template = (scene, random) => {
  const unique = SHAPE_COLOR_NAMES.filter((color) => scene.shapes.filter((shape) => shape.color === color).length === 1);
  if (unique.length === 0) return undefined;
  const color = random.pick(unique);
  const shape = scene.shapes.find((candidate) => candidate.color === color)!;
  return { question: `What is the ${color} shape?`, answer: shape.kind, kind: 'shape', answerType: 'other', questionType: 'what is the' };
};

const moreOfOneKind: Template = (scene, random) => {
  const [first, second] = random.shuffle(SHAPE_KINDS);
  const answer = countKind(scene, first) > countKind(scene, second) ? 'yes' : 'no';
  return { question: `Are there more ${plural(first)} than ${plural(second)}?`, answer, kind: 'yes/no', answerType: 'yes/no', questionType: 'are there' };
};

const totalCount: Template = (scene) => ({
  question: 'How many shapes are there?',
  answer: String(scene.shapes.length),
  kind: 'number',
  answerType: 'number',
  questionType: 'how many',
});

const colorCheck: Template = (scene, random) => {
  const unique = SHAPE_KINDS.filter((kind) => countKind(scene, kind) === 1);
  if (unique.length === 0) return undefined;
  const kind = random.pick(unique);
  const actual = scene.shapes.find((shape) => shape.kind === kind)!.color;
  const asked = random.chance(0.5) ? actual : random.pick(SHAPE_COLOR_NAMES.filter((color) => color !== actual));
  return { question: `Is the ${kind} ${asked}?`, answer: asked === actual ? 'yes' : 'no', kind: 'yes/no', answerType: 'yes/no', questionType: 'is the' };
};

const templates: Template[] = [colorOfOnlyShape, countOfKind, existenceOfKind, backgroundColor, shapeOfOnlyColor, moreOfOneKind, totalCount, colorCheck];

/** Up to `count` distinct questions about one scene. */
export function sceneQuestions(scene: Scene, random: SeededRandom, count: number): SceneQuestion[] {
  const chosen: SceneQuestion[] = [];
  for (const template of random.shuffle(templates)) {
    if (chosen.length === count) break;
    const question = template(scene, random);
    if (question && !chosen.some((earlier) => earlier.question === question.question)) chosen.push(question);
  }
  return chosen;
}
