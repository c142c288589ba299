import path from 'node:path';
import { freshFolder, writeJpeg, writeJson } from './output.js';
import { countKind, randomScene, renderScene, SHAPE_COLOR_NAMES, SHAPE_KINDS, type PlacedShape, type Scene } from './scenes.js';
import { SeededRandom } from './seeded-random.js';

// GQA: compositional questions with one short answer, a full-sentence answer, and the functional
// program that answers it. The type labels imitate GQA's (structural / semantic / detailed); the
// programs are simplified but keep GQA's shape.

interface GqaQuestion {
  question: string;
  answer: string;
  fullAnswer: string;
  types: { structural: string; semantic: string; detailed: string };
  semantic: Array<{ operation: string; dependencies: number[]; argument: string }>;
  global: string | null;
  local: string;
}

type Template = (scene: Scene, objectIds: Map<PlacedShape, string>, random: SeededRandom) => GqaQuestion | undefined;

function only(scene: Scene, random: SeededRandom): PlacedShape | undefined {
  const unique = SHAPE_KINDS.filter((kind) => countKind(scene, kind) === 1);
  if (unique.length === 0) return undefined;
  const kind = random.pick(unique);
  return scene.shapes.find((shape) => shape.kind === kind);
}

const queryColor: Template = (scene, ids, random) => {
  const shape = only(scene, random);
  if (!shape) return undefined;
  return {
    question: `What color is the ${shape.kind}?`,
    answer: shape.color,
    fullAnswer: `The ${shape.kind} is ${shape.color}.`,
    types: { structural: 'query', semantic: 'attr', detailed: 'queryAttr' },
    semantic: [
      { operation: 'select', dependencies: [], argument: `${shape.kind} (${ids.get(shape)})` },
      { operation: 'query', dependencies: [0], argument: 'color' },
    ],
    global: 'color',
    local: `10q-${shape.kind}_color`,
  };
};

const verifyColor: Template = (scene, ids, random) => {
  const shape = only(scene, random);
  if (!shape) return undefined;
  const asked = random.chance(0.5) ? shape.color : random.pick(SHAPE_COLOR_NAMES.filter((color) => color !== shape.color));
  const yes = asked === shape.color;
  return {
    question: `Is the ${shape.kind} ${asked}?`,
    answer: yes ? 'yes' : 'no',
    fullAnswer: yes ? `Yes, the ${shape.kind} is ${asked}.` : `No, the ${shape.kind} is ${shape.color}.`,
    types: { structural: 'verify', semantic: 'attr', detailed: 'verifyAttr' },
    semantic: [
      { operation: 'select', dependencies: [], argument: `${shape.kind} (${ids.get(shape)})` },
      { operation: `verify color`, dependencies: [0], argument: asked },
    ],
    global: null,
    local: `13-${shape.kind}_${asked}`,
  };
};

const exist: Template = (scene, _ids, random) => {
  const kind = random.pick(SHAPE_KINDS);
  const color = random.pick(SHAPE_COLOR_NAMES);
  const yes = scene.shapes.some((shape) => shape.kind === kind && shape.color === color);
  return {
    question: `Is there a ${color} ${kind} in the picture?`,
    answer: yes ? 'yes' : 'no',
    fullAnswer: yes ? `Yes, there is a ${color} ${kind}.` : `No, there are no ${color} ${kind}s.`,
    types: { structural: 'verify', semantic: 'obj', detailed: 'existAttr' },
    semantic: [
      { operation: 'select', dependencies: [], argument: `${kind} (-)` },
      { operation: 'filter color', dependencies: [0], argument: color },
      { operation: 'exist', dependencies: [1], argument: '?' },
    ],
    global: null,
    local: `06-${kind}_${color}`,
  };
};

const leftOrRight: Template = (scene, ids, random) => {
  const unique = scene.shapes.filter((shape) => countKind(scene, shape.kind) === 1);
  const pairs = unique.flatMap((first) => unique.filter((second) => second !== first && second.column !== first.column).map((second) => [first, second] as const));
  if (pairs.length === 0) return undefined;
  const [subject, reference] = random.pick(pairs);
  const side = subject.column < reference.column ? 'left' : 'right';
  return {
    question: `Is the ${subject.kind} to the left or to the right of the ${reference.kind}?`,
    answer: side,
    fullAnswer: `The ${subject.kind} is to the ${side} of the ${reference.kind}.`,
    types: { structural: 'choose', semantic: 'rel', detailed: 'relChooser' },
    semantic: [
      { operation: 'select', dependencies: [], argument: `${reference.kind} (${ids.get(reference)})` },
      { operation: 'choose rel', dependencies: [0], argument: `${subject.kind}|to the left of|to the right of,s (${ids.get(subject)})` },
    ],
    global: null,
    local: `14-${subject.kind}_${reference.kind}`,
  };
};

const sameColor: Template = (scene, ids, random) => {
  const unique = scene.shapes.filter((shape) => countKind(scene, shape.kind) === 1);
  if (unique.length < 2) return undefined;
  const [first, second] = random.shuffle(unique);
  const same = first.color === second.color;
  return {
    question: `Do the ${first.kind} and the ${second.kind} have the same color?`,
    answer: same ? 'yes' : 'no',
    fullAnswer: same ? `Yes, both the ${first.kind} and the ${second.kind} are ${first.color}.` : `No, the ${first.kind} is ${first.color} and the ${second.kind} is ${second.color}.`,
    types: { structural: 'compare', semantic: 'attr', detailed: 'twoSame' },
    semantic: [
      { operation: 'select', dependencies: [], argument: `${first.kind} (${ids.get(first)})` },
      { operation: 'select', dependencies: [], argument: `${second.kind} (${ids.get(second)})` },
      { operation: 'same color', dependencies: [0, 1], argument: '' },
    ],
    global: null,
    local: `12-${first.kind}_${second.kind}`,
  };
};

const shapeOfColor: Template = (scene, ids, random) => {
  const unique = SHAPE_COLOR_NAMES.filter((color) => scene.shapes.filter((shape) => shape.color === color).length === 1);
  if (unique.length === 0) return undefined;
  const color = random.pick(unique);
  const shape = scene.shapes.find((candidate) => candidate.color === color)!;
  return {
    question: `Which shape is ${color}?`,
    answer: shape.kind,
    fullAnswer: `The ${color} shape is a ${shape.kind}.`,
    types: { structural: 'query', semantic: 'cat', detailed: 'categoryThis' },
    semantic: [
      { operation: 'select', dependencies: [], argument: `shape (${ids.get(shape)})` },
      { operation: 'filter color', dependencies: [0], argument: color },
      { operation: 'query', dependencies: [1], argument: 'name' },
    ],
    global: 'shape',
    local: `15-${color}_name`,
  };
};

const templates: Template[] = [queryColor, verifyColor, exist, leftOrRight, sameColor, shapeOfColor];

function semanticString(steps: GqaQuestion['semantic']): string {
  return steps.map((step) => `${step.operation}: ${step.argument}${step.dependencies.length ? ` [${step.dependencies.join(', ')}]` : ''}`).join('->');
}

const plans = [
  { split: 'testdev', file: 'testdev_balanced_questions.json', firstQuestionId: 20_000_000 },
  { split: 'train', file: 'train_balanced_questions.json', firstQuestionId: 1_000_000 },
];
const QUESTIONS_PER_SPLIT = 40;

export async function writeGqa(folder: string): Promise<Record<string, number>> {
  freshFolder(folder);
  const counts: Record<string, number> = {};
  for (const plan of plans) {
    const random = new SeededRandom(`gqa/${plan.split}`);
    const questions: Record<string, unknown> = {};
    let written = 0;
    let nextQuestionId = plan.firstQuestionId;
    while (written < QUESTIONS_PER_SPLIT) {
      // GQA image ids are Visual Genome ids, some of them with an `n` prefix.
      const imageId = random.chance(0.3) ? `n${random.integer(100000, 999999)}` : String(random.integer(1, 2417997));
      const scene = randomScene(random, 2, 5);
      const objectIds = new Map(scene.shapes.map((shape) => [shape, String(random.integer(1000000, 3999999))] as const));
      await writeJpeg(path.join(folder, 'images', `${imageId}.jpg`), renderScene(scene, 96));
      const wanted = Math.min(random.integer(3, 5), QUESTIONS_PER_SPLIT - written);
      const asked: GqaQuestion[] = [];
      for (const template of random.shuffle(templates)) {
        if (asked.length === wanted) break;
        const question = template(scene, objectIds, random);
        if (question) asked.push(question);
      }
      for (const question of asked) {
        nextQuestionId += random.integer(1, 40);
        const questionId = String(nextQuestionId);
        questions[questionId] = {
          semantic: question.semantic,
          entailed: [],
          equivalent: [questionId],
          question: question.question,
          imageId,
          isBalanced: true,
          groups: { global: question.global, local: question.local },
          answer: question.answer,
          semanticStr: semanticString(question.semantic),
          annotations: { answer: {}, question: {}, fullAnswer: {} },
          types: question.types,
          fullAnswer: question.fullAnswer,
        };
        written++;
      }
    }
    writeJson(path.join(folder, plan.file), questions);
    counts[plan.split] = written;
  }
  return counts;
}
