// Predictions by sample id. VQA's official results name each question by a number (214,354 of them for
// VQAv2 val); keeping those as numbers, not as their decimal strings, saves a string per entry (its
// allocation, hashing and garbage collection: ~0.2 s of a re-score's main thread) while every id is
// still looked up and listed as the string a sample carries.

/** The safe integer whose String() is `id` ("7", "-12"; not "07", "-0", "1e3", "+1"), else undefined. */
export function canonicalInteger(id: string): number | undefined {
  const length = id.length;
  const negative = length > 1 && id.charCodeAt(0) === 0x2d;
  const start = negative ? 1 : 0;
  // 16 digits reach past 2^53; longer texts are never safe integers.
  if (length === start || length - start > 16) return undefined;
  const first = id.charCodeAt(start);
  if (first === 0x30) return length === 1 ? 0 : undefined;
  let value = 0;
  for (let index = start; index < length; index++) {
    const digit = id.charCodeAt(index) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  if (value > Number.MAX_SAFE_INTEGER) return undefined;
  return negative ? -value : value;
}

/**
 * sample id → answer, in the order added. An id that is a safe integer's decimal text and that integer
 * are one key (the official format's `question_id: 7` answers sample "7"), as they were when every key
 * was String(id).
 */
export class PredictionTable implements Iterable<[string, string]> {
  private readonly answers = new Map<number | string, string>();

  /**
   * Adds an answer; false when the id had one already — a predictions file that repeats an id is
   * refused, so its readers stop there, and the answer is then replaced (one lookup per entry, not two).
   */
  add(id: string | number, answer: string): boolean {
    const size = this.answers.size;
    this.answers.set(keyOf(id), answer);
    return this.answers.size !== size;
  }

  get(id: string): string | undefined {
    return this.answers.get(canonicalInteger(id) ?? id);
  }

  get size(): number {
    return this.answers.size;
  }

  /** [id, answer] pairs in the order added, each id as a string. */
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (const [key, answer] of this.answers) yield [String(key), answer];
  }
}

function keyOf(id: string | number): number | string {
  if (typeof id === 'string') return canonicalInteger(id) ?? id;
  // String(id) was the key: a number is kept only when that string reads back as the same number.
  if (Number.isSafeInteger(id)) return id === 0 ? 0 : id;
  return String(id);
}
