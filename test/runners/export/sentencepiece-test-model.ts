// A small LLaMA-shaped SentencePiece BPE model, serialized to protobuf bytes here so the tests need neither
// Python nor a real 500 KB tokenizer.model. Layout as LLaMA's: <unk> <s> </s>, the 256 byte pieces, the merged
// pieces in the order BPE training learned them (score -rank), then the single characters (lowest scores).

export const PieceTypes = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

export interface TestPiece {
  piece: string;
  score: number;
  type: number;
}

export interface TestModelOptions {
  modelType?: number;
  byteFallback?: boolean;
  /** LLaMA writes false explicitly; 'absent' leaves the field out so the proto default (true) applies. */
  removeExtraWhitespaces?: boolean | 'absent';
  addDummyPrefix?: boolean;
  /** Extra pieces appended at the end (e.g. a user-defined symbol). */
  extraPieces?: TestPiece[];
}

/** Characters of the alphabet; uppercase other than H, T, W is left out so it goes through byte fallback. */
export const CHARACTERS = ['▁', ...'etaoinshrdlcumwfgypbvkjxqz', 'H', 'T', 'W', ...",.?!'-:0123456789", 'é', '東'];

/** Merges in learned order; each result becomes a piece. Written to spell the words the tests encode. */
export const MERGES: [string, string][] = [
  ['▁', 't'], ['h', 'e'], ['▁t', 'he'], ['i', 'n'], ['▁', 'a'], ['e', 'r'], ['a', 'n'], ['o', 'r'], ['▁', '▁'], ['▁', 'w'],
  ['o', 'n'], ['▁', 's'], ['a', 't'], ['▁', 'c'], ['e', 'n'], ['▁w', 'h'], ['▁wh', 'at'], ['l', 'l'], ['▁', 'i'], ['▁i', 's'],
  ['▁', 'l'], ['▁l', 'in'], ['▁lin', 'e'], ['▁▁', '▁▁'], ['▁', 'o'], ['▁o', 'n'], ['▁on', 'e'], ['▁a', 'n'], ['▁an', 's'],
  ['w', 'er'], ['▁ans', 'wer'], ['n', 'd'], ['▁a', 'nd'], ['o', 'l'], ['▁c', 'ol'], ['▁col', 'or'], ['a', 'r'], ['▁c', 'ar'],
  ['e', 'd'], ['▁', 'r'], ['▁r', 'ed'], ['▁s', 'h'], ['▁sh', 'or'], ['▁shor', 't'], ['▁', 'H'], ['▁H', 'e'], ['▁He', 'll'],
  ['▁Hell', 'o'], ['▁w', 'or'], ['▁wor', 'l'], ['▁worl', 'd'], ['▁', 'T'], ['▁T', 'he'], ['▁', 'W'], ['▁', 'é'], ['t', 'é'],
  ['▁', '東'], ['▁', 'x'], ['▁', '1'], ['1', '2'], ['▁', '?'], ['r', 'e'], ['▁the', 're'], ['i', 's'], ['t', 'h'], ['▁t', 'h'],
  ['▁th', 'in'], ['▁thin', 'g'],
];

/** The model's pieces in id order. Each merge's two halves must already be pieces when the merge is learned. */
export function testPieces(extra: TestPiece[] = []): TestPiece[] {
  const pieces: TestPiece[] = [
    { piece: '<unk>', score: 0, type: PieceTypes.unknown },
    { piece: '<s>', score: 0, type: PieceTypes.control },
    { piece: '</s>', score: 0, type: PieceTypes.control },
  ];
  for (let byte = 0; byte < 256; byte++) {
    pieces.push({ piece: `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`, score: 0, type: PieceTypes.byte });
  }
  const known = new Set(CHARACTERS);
  MERGES.forEach(([left, right], rank) => {
    if (!known.has(left) || !known.has(right)) throw new Error(`test model: merge ${left} + ${right} uses a piece not learned yet`);
    if (known.has(left + right)) throw new Error(`test model: ${left + right} learned twice`);
    known.add(left + right);
    pieces.push({ piece: left + right, score: 0 - rank, type: PieceTypes.normal }); // not -rank: -0 for the first
  });
  CHARACTERS.forEach((character, index) => pieces.push({ piece: character, score: -(MERGES.length + index), type: PieceTypes.normal }));
  return [...pieces, ...extra];
}

// --- protobuf writer: just the wire format needed to emit a ModelProto ---

function varint(value: bigint): number[] {
  const bytes: number[] = [];
  let rest = BigInt.asUintN(64, value);
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return bytes;
}

const key = (field: number, wireType: number) => varint(BigInt((field << 3) | wireType));
const varintField = (field: number, value: number | boolean) => [...key(field, 0), ...varint(BigInt(typeof value === 'boolean' ? Number(value) : value))];
const bytesField = (field: number, bytes: Uint8Array | number[]) => [...key(field, 2), ...varint(BigInt(bytes.length)), ...bytes];
const stringField = (field: number, text: string) => bytesField(field, new TextEncoder().encode(text));
function floatField(field: number, value: number): number[] {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value, true);
  return [...key(field, 5), ...new Uint8Array(view.buffer)];
}

export function serializeModel(pieces: TestPiece[], options: TestModelOptions = {}): Uint8Array {
  const out: number[] = [];
  for (const { piece, score, type } of pieces) {
    // proto2 omits defaults: SentencePiece does not write type NORMAL, so neither do we (the reader must default it).
    const body = [...stringField(1, piece), ...floatField(2, score), ...(type === PieceTypes.normal ? [] : varintField(3, type))];
    out.push(...bytesField(1, body));
  }
  const trainer = [
    ...stringField(1, 'corpus.txt'),
    ...varintField(3, options.modelType ?? 2),
    ...varintField(4, pieces.length),
    ...floatField(10, 0.99995),
    ...varintField(35, options.byteFallback ?? true),
    ...varintField(40, 0),
    ...varintField(41, 1),
    ...varintField(42, 2),
    ...varintField(43, -1),
    ...stringField(44, ' \u2047 '),
  ];
  out.push(...bytesField(2, trainer));
  const normalizer = [
    ...stringField(1, 'identity'),
    ...bytesField(2, []),
    ...varintField(3, options.addDummyPrefix ?? true),
    ...(options.removeExtraWhitespaces === 'absent' ? [] : varintField(4, options.removeExtraWhitespaces ?? false)),
  ];
  out.push(...bytesField(3, normalizer));
  return Uint8Array.from(out);
}
