import type { SeededRandom } from './seeded-random.js';

/** Up to `wanted` questions about one scene, each from a different template tried in random order (a template may decline). */
export function askTemplates<Scene, Question>(templates: ReadonlyArray<(scene: Scene, random: SeededRandom) => Question | undefined>, scene: Scene, random: SeededRandom, wanted: number): Question[] {
  const asked: Question[] = [];
  for (const template of random.shuffle(templates)) {
    if (asked.length === wanted) break;
    const question = template(scene, random);
    if (question) asked.push(question);
  }
  return asked;
}
