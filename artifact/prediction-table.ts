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
 * was String(id). Integer keys live in an open-addressing table of typed arrays (no Map entry, no boxed
 * number per id: building VQAv2 val's 214,354 took ~0.1 s of a re-score's main thread as a Map); other
 * ids in a Map.
 */
export class PredictionTable implements Iterable<[string, string]> {
  private readonly integers: IntegerIndex;
  private readonly named = new Map<string, number>();
  /** Answers by entry, in the order added; allocated for the expected count at once (growing a 200k-entry array by pushes costs more than the table). */
  private readonly answers: string[];
  /** Each entry's integer key in the order added (NaN for a named entry, whose id is in `names`). */
  private order: Float64Array;
  private readonly names = new Map<number, string>();
  private count = 0;

  /** `expected`: about how many entries will be added, to size the tables once. */
  constructor(expected = 0) {
    this.integers = new IntegerIndex(expected);
    this.answers = new Array<string>(expected);
    this.order = new Float64Array(Math.max(16, expected));
  }

  /** Adds an answer; false (and nothing changed) when the id has one already. */
  add(id: string | number, answer: string): boolean {
    const key = keyOf(id);
    const index = this.count;
    if (typeof key === 'number') {
      if (!this.integers.insert(key, index)) return false;
    } else {
      if (this.named.has(key)) return false;
      this.named.set(key, index);
      this.names.set(index, key);
    }
    if (index === this.order.length) {
      const grown = new Float64Array(this.order.length * 2);
      grown.set(this.order);
      this.order = grown;
    }
    this.order[index] = typeof key === 'number' ? key : Number.NaN;
    this.answers[index] = answer;
    this.count++;
    return true;
  }

  get(id: string): string | undefined {
    const integer = canonicalInteger(id);
    const index = integer === undefined ? this.named.get(id) : this.integers.find(integer);
    return index === undefined ? undefined : this.answers[index];
  }

  get size(): number {
    return this.count;
  }

  /** [id, answer] pairs in the order added, each id as a string. */
  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (let index = 0; index < this.count; index++) yield [this.names.get(index) ?? String(this.order[index]), this.answers[index]!];
  }
}

function keyOf(id: string | number): number | string {
  if (typeof id === 'string') return canonicalInteger(id) ?? id;
  // String(id) was the key: a number is kept only when that string reads back as the same number.
  if (Number.isSafeInteger(id)) return id === 0 ? 0 : id;
  return String(id);
}

/** Safe integer → entry index, by linear probing in typed arrays that double when half full. */
class IntegerIndex {
  private keys: Float64Array;
  /** Entry index + 1; 0 marks an empty slot. */
  private slots: Int32Array;
  private count = 0;

  constructor(expected: number) {
    // At most two thirds full for the expected count (callers give an upper bound; past two thirds it doubles).
    const capacity = 2 ** Math.max(10, Math.ceil(Math.log2(Math.max(1, expected) * 1.5 + 1)));
    this.keys = new Float64Array(capacity);
    this.slots = new Int32Array(capacity);
  }

  /** Records the key's entry; false when the key is there already. */
  insert(key: number, index: number): boolean {
    if ((this.count + 1) * 3 > this.slots.length * 2) this.grow();
    const mask = this.slots.length - 1;
    for (let slot = integerHash(key) & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]!;
      if (held === 0) {
        this.keys[slot] = key;
        this.slots[slot] = index + 1;
        this.count++;
        return true;
      }
      if (this.keys[slot] === key) return false;
    }
  }

  find(key: number): number | undefined {
    const mask = this.slots.length - 1;
    for (let slot = integerHash(key) & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot]!;
      if (held === 0) return undefined;
      if (this.keys[slot] === key) return held - 1;
    }
  }

  private grow(): void {
    const { keys, slots } = this;
    this.keys = new Float64Array(keys.length * 2);
    this.slots = new Int32Array(slots.length * 2);
    const mask = this.slots.length - 1;
    for (let old = 0; old < slots.length; old++) {
      const held = slots[old]!;
      if (held === 0) continue;
      let slot = integerHash(keys[old]!) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.keys[slot] = keys[old]!;
      this.slots[slot] = held;
    }
  }
}

/** A well-mixed 32-bit hash of a safe integer (both halves: ids often differ only in their low digits). */
function integerHash(key: number): number {
  const low = key >>> 0;
  const high = Math.floor(key / 4294967296) | 0;
  let hash = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}
