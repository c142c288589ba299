// Short ASCII strings by their bytes, for JsonFastDecoder: the keys and short values of a dataset file
// ("yes", "2", "answer_confidence") repeat millions of times, and a lookup by bytes returns the string
// made the first time instead of a new one each time.

export const MAX_SHORT_STRING_BYTES = 32;

/** Node's Buffer decoders without toString's argument handling (present on every Buffer, not in its type). */
export interface ByteSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}
const TABLE_SIZE = 1 << 12;

/** The hash ShortStrings expects: fold each byte in with `hash = nextStringHash(hash, byte)`, from 0. */
export function nextStringHash(hash: number, byte: number): number {
  return (Math.imul(hash, 31) + byte) | 0;
}

/**
 * An open-addressing table keyed by the string's bytes (a copy of them is kept beside each string, so
 * a lookup compares bytes with bytes). Bounded: it starts over when half full, so it holds at most
 * TABLE_SIZE / 2 strings of at most MAX_SHORT_STRING_BYTES.
 */
export class ShortStrings {
  private readonly strings: Array<string | undefined> = new Array<string | undefined>(TABLE_SIZE).fill(undefined);
  private readonly hashes = new Int32Array(TABLE_SIZE);
  private readonly lengths = new Int32Array(TABLE_SIZE);
  private readonly bytes = new Uint8Array(TABLE_SIZE * MAX_SHORT_STRING_BYTES);
  private count = 0;

  /** The string of the ASCII bytes `start..end` (at most MAX_SHORT_STRING_BYTES), whose hash is `hash`. */
  get(source: Buffer, start: number, end: number, hash: number): string {
    const length = end - start;
    const mask = TABLE_SIZE - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const known = this.strings[slot];
      if (known === undefined) return this.add(slot, source, start, end, hash);
      if (this.hashes[slot] === hash && this.lengths[slot] === length && this.sameBytes(slot, source, start, length)) return known;
    }
  }

  private sameBytes(slot: number, source: Buffer, start: number, length: number): boolean {
    const bytes = this.bytes;
    const at = slot * MAX_SHORT_STRING_BYTES;
    for (let position = 0; position < length; position++) if (bytes[at + position] !== source[start + position]) return false;
    return true;
  }

  private add(slot: number, source: Buffer, start: number, end: number, hash: number): string {
    const text = (source as unknown as ByteSlices).latin1Slice(start, end);
    if (this.count >= TABLE_SIZE >> 1) {
      this.strings.fill(undefined);
      this.count = 0;
      slot = hash & (TABLE_SIZE - 1);
    }
    this.strings[slot] = text;
    this.hashes[slot] = hash;
    this.lengths[slot] = end - start;
    this.bytes.set(source.subarray(start, end), slot * MAX_SHORT_STRING_BYTES);
    this.count++;
    return text;
  }
}
