import { askTemplates } from './ask-templates.js';
import { countKind, plural, SHAPE_COLOR_NAMES, SHAPE_KINDS, type Scene } from './scenes.js';
import type { SeededRandom } from './seeded-random.js';

// Multiple-choice questions about a synthetic scene: the right option and wrong ones, each wrong
// option false of the scene, so a model that sees the picture can tell them apart.

export interface ChoiceQuestion {
  question: string;
  correct: string;
  wrong: string[];
  /** What the question tests, in the benchmark's terms (mapped to SEED-Bench dimensions, MMBench abilities). */
  skill: 'scene' | 'identity' | 'attribute' | 'counting' | 'location' | 'spatial';
}

type Template = (scene: Scene, random: SeededRandom) => ChoiceQuestion | undefined;

const backgroundColor: Template = (scene, random) => ({
  question: 'What color is the background of the picture?',
  correct: scene.background,
  wrong: random.shuffle(['white', 'gray', 'black', 'brown'].filter((color) => color !== scene.background)),
  skill: 'scene',
});

const colorOfShape: Template = (scene, random) => {
  const unique = scene.shapes.filter((shape) => countKind(scene, shape.kind) === 1);
  if (unique.length === 0) return undefined;
  const shape = random.pick(unique);
  return { question: `What color is the ${shape.kind}?`, correct: shape.color, wrong: random.shuffle(SHAPE_COLOR_NAMES.filter((color) => color !== shape.color)), skill: 'attribute' };
};

const shapeOfColor: Template = (scene, random) => {
  const unique = SHAPE_COLOR_NAMES.filter((color) => scene.shapes.filter((shape) => shape.color === color).length === 1);
  if (unique.length === 0) return undefined;
  const color = random.pick(unique);
  const shape = scene.shapes.find((candidate) => candidate.color === color)!;
  return { question: `Which shape is ${color}?`, correct: shape.kind, wrong: random.shuffle([...SHAPE_KINDS.filter((kind) => kind !== shape.kind), 'star']), skill: 'identity' };
};

const countShapes: Template = (scene, random) => {
  const kind = random.pick(SHAPE_KINDS);
  const count = countKind(scene, kind);
  return { question: `How many ${plural(kind)} are in the picture?`, correct: String(count), wrong: random.shuffle([0, 1, 2, 3, 4, 5].filter((other) => other !== count).map(String)), skill: 'counting' };
};

const sideOfShape: Template = (scene, random) => {
  const unique = scene.shapes.filter((shape) => countKind(scene, shape.kind) === 1 && shape.column !== 1);
  if (unique.length === 0) return undefined;
  const shape = random.pick(unique);
  const side = shape.column === 0 ? 'on the left' : 'on the right';
  return { question: `Where is the ${shape.kind}?`, correct: side, wrong: random.shuffle(['on the left', 'on the right', 'in the sky', 'under the table'].filter((place) => place !== side)), skill: 'location' };
};

const leftOf: Template = (scene, random) => {
  const unique = scene.shapes.filter((shape) => countKind(scene, shape.kind) === 1);
  const pairs = unique.flatMap((first) => unique.filter((second) => second.column > first.column).map((second) => [first, second] as const));
  if (pairs.length === 0) return undefined;
  const [left, right] = random.pick(pairs);
  const others = SHAPE_KINDS.filter((kind) => kind !== left.kind && kind !== right.kind);
  return { question: `Which shape is to the left of the ${right.kind}?`, correct: `the ${left.kind}`, wrong: random.shuffle([...others.map((kind) => `the ${kind}`), 'the star', 'nothing']), skill: 'spatial' };
};

const templates: Template[] = [backgroundColor, colorOfShape, shapeOfColor, countShapes, sideOfShape, leftOf];

/** Up to `wanted` questions about one scene, each from a different template. */
export function choiceQuestions(scene: Scene, random: SeededRandom, wanted: number): ChoiceQuestion[] {
  return askTemplates(templates, scene, random, wanted);
}

/** The options of one question: the right one at a random position among `count`, and its letter. */
export function placeOptions(question: ChoiceQuestion, count: number, random: SeededRandom): { options: string[]; answer: string } {
  const options = question.wrong.slice(0, count - 1);
  const position = random.integer(0, options.length);
  options.splice(position, 0, question.correct);
  return { options, answer: String.fromCharCode(65 + position) };
}
