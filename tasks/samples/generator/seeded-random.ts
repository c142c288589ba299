import { seededRandom, seedFromText } from '../../../core/random.js';

// The bundled samples are committed, so regenerating them must give the same bytes: every random
// choice comes from the shared seeded generator, never from Math.random. A text seed (task and split)
// gives each file its own stream, so editing one leaves the others unchanged.

export class SeededRandom {
  /** Uniform in [0, 1). */
  readonly next: () => number;

  constructor(seed: number | string) {
    this.next = seededRandom(typeof seed === 'number' ? seed : seedFromText(seed));
  }

  /** Integer in [minimum, maximum], both included. */
  integer(minimum: number, maximum: number): number {
    return minimum + Math.floor(this.next() * (maximum - minimum + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  shuffle<T>(items: readonly T[]): T[] {
    const shuffled = [...items];
    for (let index = shuffled.length - 1; index > 0; index--) {
      const other = Math.floor(this.next() * (index + 1));
      [shuffled[index], shuffled[other]] = [shuffled[other], shuffled[index]];
    }
    return shuffled;
  }

  /** `count` distinct integers in [minimum, maximum], in draw order. */
  distinctIntegers(count: number, minimum: number, maximum: number): number[] {
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(this.integer(minimum, maximum));
    return [...chosen];
  }
}
