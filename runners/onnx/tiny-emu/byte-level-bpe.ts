// A byte-level BPE trainer (the GPT-2 / LLaMA-3 tokenizer family), small enough to read: it exists so
// tiny-emu ships a real tokenizer.json with learned merges instead of a hand-made word list.

/** GPT-2's pre-tokenization pattern, the one the ByteLevel pre-tokenizer applies with `use_regex: true`. */
const PRE_TOKENIZE_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * GPT-2's reversible byte → printable character table: printable Latin-1 bytes map to themselves and
 * the rest to code points from 256 up, so every byte sequence is a string of visible characters.
 */
export function byteToCharacterTable(): string[] {
  const table: string[] = new Array(256);
  const printable = (byte: number) =>
    (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
  let next = 256;
  for (let byte = 0; byte < 256; byte++) {
    table[byte] = String.fromCodePoint(printable(byte) ? byte : next++);
  }
  return table;
}

export interface TrainedBpe {
  /** The 256 byte symbols in byte order, then one symbol per merge, in merge order. */
  symbols: string[];
  merges: Array<[string, string]>;
}

/**
 * Learns up to `mergeCount` merges. Each round merges the most frequent adjacent pair; ties go to the
 * pair that sorts first (plain code-unit order, not locale order), which makes training deterministic.
 * Pairs seen fewer than twice are never merged: they would only memorize single words.
 */
export function trainByteLevelBpe(lines: string[], mergeCount: number): TrainedBpe {
  const byteTable = byteToCharacterTable();
  const encoder = new TextEncoder();
  const wordCounts = new Map<string, number>();
  for (const line of lines) {
    for (const match of line.matchAll(PRE_TOKENIZE_PATTERN)) {
      const word = Array.from(encoder.encode(match[0]), (byte) => byteTable[byte]).join('');
      wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
    }
  }
  const words = [...wordCounts.entries()]
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([word, count]) => ({ symbols: Array.from(word), count }));

  const merges: Array<[string, string]> = [];
  while (merges.length < mergeCount) {
    const pairCounts = new Map<string, number>();
    for (const word of words) {
      for (let index = 0; index + 1 < word.symbols.length; index++) {
        const key = `${word.symbols[index]}\u0000${word.symbols[index + 1]}`;
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + word.count);
      }
    }
    let bestKey: string | undefined;
    let bestCount = 1;
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && bestKey !== undefined && key < bestKey)) {
        bestKey = key;
        bestCount = count;
      }
    }
    if (bestKey === undefined) break;
    const [left, right] = bestKey.split('\u0000') as [string, string];
    merges.push([left, right]);
    for (const word of words) word.symbols = mergePair(word.symbols, left, right);
  }
  return { symbols: [...byteTable, ...merges.map(([left, right]) => left + right)], merges };
}

function mergePair(symbols: string[], left: string, right: string): string[] {
  const merged: string[] = [];
  for (let index = 0; index < symbols.length; index++) {
    if (index + 1 < symbols.length && symbols[index] === left && symbols[index + 1] === right) {
      merged.push(left + right);
      index++;
    } else {
      merged.push(symbols[index]);
    }
  }
  return merged;
}
