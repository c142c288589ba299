import { DataError } from '../../core/errors.js';
import type { DataProblem } from '../../core/contracts/task.js';

/** The one-line form of a problem, as a thrown DataError shows it: `file: json.path: what is wrong`. */
export function formatProblem(problem: DataProblem): string {
  return [problem.file, problem.field, problem.message].filter((part) => part !== undefined && part !== '').join(': ');
}

/** Turns a DataError raised below (path safety, malformed JSON) into a problem, without repeating its file and field in the message. */
export function problemFromError(error: DataError, fallbackFile: string): DataProblem {
  const file = error.file ?? fallbackFile;
  let message = error.message;
  for (const prefix of [`${file}: `, error.field ? `${error.field}: ` : undefined]) {
    if (prefix && message.startsWith(prefix)) message = message.slice(prefix.length);
  }
  return { file, field: error.field, message };
}

/**
 * One code path for both ways of meeting bad data: `load` stops at the first problem with a DataError,
 * `data check` wants every problem in one pass. Readers report through a sink and skip the element;
 * in throwing mode the report never returns.
 */
export class ProblemSink {
  constructor(private readonly onProblem?: (problem: DataProblem) => void) {}

  get collecting(): boolean {
    return this.onProblem !== undefined;
  }

  report(problem: DataProblem): void {
    if (!this.onProblem) throw new DataError(formatProblem(problem), problem.file, problem.field);
    this.onProblem(problem);
  }

  /** Reports every problem of one element; a thrown DataError carries them all, and the first one's field. */
  reportAll(problems: DataProblem[]): void {
    if (problems.length === 0) return;
    if (!this.onProblem) {
      throw new DataError(problems.map(formatProblem).join('\n'), problems[0].file, problems[0].field);
    }
    for (const problem of problems) this.onProblem(problem);
  }

  /** Runs a check that throws DataError (path safety); in collecting mode records it and returns undefined. */
  attempt<T>(check: () => T, fallbackFile: string): T | undefined {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof DataError) || !this.onProblem) throw error;
      this.onProblem(problemFromError(error, fallbackFile));
      return undefined;
    }
  }
}

/** Remembers where each id was first seen so a duplicate can name both occurrences. */
export class FirstOccurrences<Id> {
  private readonly seen = new Map<Id, number>();

  /** Records `index` for `id`; returns the earlier index when the id was already seen. */
  claim(id: Id, index: number): number | undefined {
    const earlier = this.seen.get(id);
    if (earlier !== undefined) return earlier;
    this.seen.set(id, index);
    return undefined;
  }
}

/**
 * FirstOccurrences for numeric ids (VQA question ids), in an open-addressing table of typed arrays:
 * several times cheaper than a Map when every one of 200,000 questions and annotations is claimed.
 */
export class FirstNumberOccurrences {
  /** 32-bit while every id is a 32-bit integer (question ids are), half the memory of doubles. */
  private ids: Int32Array | Float64Array;
  /** 1 + the index recorded for the id in the same slot; 0 marks a free slot (fresh memory needs no fill). */
  private indices: Int32Array;
  private count = 0;
  /** The slot of an id is the top bits of its hash: 32 - log2(table size). */
  private shift: number;

  /**
   * `expectedIds`, an estimate of how many ids will be claimed, sizes the table at once: growing it
   * step by step touches twice the memory, and new memory is slow to touch on some machines.
   */
  constructor(expectedIds = 0) {
    let bits = 10;
    while (bits < 22 && 2 ** bits < expectedIds * 2) bits++;
    this.ids = new Int32Array(2 ** bits);
    this.indices = new Int32Array(2 ** bits);
    this.shift = 32 - bits;
  }
  /** NaN never equals itself, so a probe can't find it; the rare NaN id goes to a Map. */
  private readonly notANumber = new FirstOccurrences<number>();

  /** Records `index` (a position in a file's array) for `id`; returns the earlier index when the id was already seen. */
  claim(id: number, index: number): number | undefined {
    if (!(Number.isInteger(index) && index >= 0 && index <= MAX_INDEX)) throw new RangeError(`FirstNumberOccurrences: index ${index} is not an array position`);
    if (Number.isNaN(id)) return this.notANumber.claim(id, index);
    if ((id | 0) !== id && this.ids instanceof Int32Array) this.ids = Float64Array.from(this.ids);
    const mask = this.ids.length - 1;
    for (let slot = hashNumber(id) >>> this.shift; ; slot = (slot + 1) & mask) {
      const stored = this.indices[slot]!;
      if (stored === 0) break;
      if (this.ids[slot] === id) return stored - 1;
    }
    if ((this.count + 1) * 2 > this.ids.length) this.grow();
    this.insert(id, index);
    this.count++;
    return undefined;
  }

  private insert(id: number, index: number): void {
    const mask = this.ids.length - 1;
    let slot = hashNumber(id) >>> this.shift;
    while (this.indices[slot] !== 0) slot = (slot + 1) & mask;
    this.ids[slot] = id;
    this.indices[slot] = index + 1;
  }

  private grow(): void {
    const ids = this.ids;
    const indices = this.indices;
    this.ids = ids instanceof Int32Array ? new Int32Array(ids.length * 2) : new Float64Array(ids.length * 2);
    this.indices = new Int32Array(ids.length * 2);
    this.shift--;
    for (let slot = 0; slot < ids.length; slot++) if (indices[slot] !== 0) this.insert(ids[slot]!, indices[slot]! - 1);
  }
}

const MAX_INDEX = 2 ** 31 - 2;

/**
 * Fibonacci hashing of the low and high 32 bits of an integer: its top bits depend on every bit of the
 * id, where the low bits of ids like 262148000, 262148001, 262148002 repeat (fractions only collide
 * more; -0 and 0 hash alike).
 */
function hashNumber(id: number): number {
  return Math.imul((id | 0) ^ ((id / 4294967296) | 0), 0x9e3779b1);
}
