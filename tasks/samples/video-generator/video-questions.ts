import type { SeededRandom } from '../generator/seeded-random.js';
import type { VideoScene } from './video-scenes.js';
import { askTemplates } from '../generator/ask-templates.js';

// Questions a viewer of a generated clip can answer in one word, tagged with ActivityNet-QA's
// question types (0 motion … 8 other) so that dataset's sample carries realistic `type` values.

export interface VideoQuestion {
  question: string;
  answer: string;
  /** ActivityNet-QA type: 0 motion, 1 spatial, 2 temporal, 3 yes/no, 4 color, 5 object, 6 location, 7 number, 8 other. */
  type: number;
}

const NUMBER_WORDS = ['zero', 'one', 'two', 'three'];

type Template = (scene: VideoScene, random: SeededRandom) => VideoQuestion | undefined;

const templates: Template[] = [
  (scene) => ({ question: `what color is the moving ${scene.mover.kind}`, answer: scene.mover.color, type: 4 }),
  (scene) => ({ question: `which direction does the ${scene.mover.kind} move`, answer: scene.mover.direction, type: 0 }),
  (scene) => ({ question: `what shape moves across the screen`, answer: scene.mover.kind, type: 5 }),
  (scene) => ({ question: `how many shapes are there`, answer: String(scene.stills.length + 1), type: 7 }),
  (scene) => ({ question: `what color is the background at the beginning`, answer: scene.background, type: 4 }),
  (scene) => (scene.laterBackground ? { question: `what color does the background turn`, answer: scene.laterBackground, type: 2 } : undefined),
  (scene) => (scene.laterBackground ? undefined : { question: `does the background change color`, answer: 'no', type: 3 }),
  (scene, random) => {
    const asked = random.chance(0.5) ? scene.mover.color : random.pick(['red', 'blue', 'green', 'yellow', 'orange', 'purple'].filter((color) => color !== scene.mover.color));
    return { question: `is the ${scene.mover.kind} ${asked}`, answer: asked === scene.mover.color ? 'yes' : 'no', type: 3 };
  },
  (scene) => {
    const end = { left: 'left', right: 'right', up: 'top', down: 'bottom' }[scene.mover.direction];
    return { question: `where does the ${scene.mover.kind} end up`, answer: end, type: 6 };
  },
  (scene) => (scene.stills.length === 1 ? { question: `what shape stays still`, answer: scene.stills[0]!.kind, type: 1 } : undefined),
];

/** `count` distinct questions about the scene, in random order. */
export function videoQuestions(scene: VideoScene, random: SeededRandom, count: number): VideoQuestion[] {
  return askTemplates(templates, scene, random, count);
}

/** MSVD/MSRVTT phrasing: lowercase with a question mark; counts as words, as their annotators wrote them. */
export function msrvttStyle(question: VideoQuestion): { question: string; answer: string } {
  const answer = question.type === 7 ? (NUMBER_WORDS[Number(question.answer)] ?? question.answer) : question.answer;
  return { question: `${question.question}?`, answer };
}
