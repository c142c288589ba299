// SentencePiece's BPE encoding written out plainly, as the independent expectation for the converted
// tokenizer.json (it shares no code with the converter). Follows sentencepiece src/bpe_model.cc Model::Encode
// with LLaMA's identity normalizer: add the dummy prefix, escape spaces as ▁, split into characters, then
// repeatedly merge the adjacent pair whose concatenation is a piece with the highest score (leftmost on ties);
// symbols that are not pieces become their UTF-8 byte pieces <0xXX> (byte_fallback) or <unk>.
import { PieceTypes, type TestPiece } from './sentencepiece-test-model.js';

export function referenceEncode(pieces: TestPiece[], text: string, addDummyPrefix = true): number[] {
  if (text === '') return [];
  // Control and byte pieces are looked up separately by SentencePiece and never take part in merges.
  const mergeable = new Map<string, { id: number; score: number }>();
  const bytePieces = new Map<string, number>();
  pieces.forEach(({ piece, score, type }, id) => {
    if (type === PieceTypes.normal) mergeable.set(piece, { id, score });
    if (type === PieceTypes.byte) bytePieces.set(piece, id);
    if (type === PieceTypes.unused || type === PieceTypes.userDefined) throw new Error('reference encoder: unused and user-defined pieces are not modelled');
  });
  const normalized = ((addDummyPrefix ? ' ' : '') + text).replaceAll(' ', '\u2581');
  const symbols = Array.from(normalized);
  for (;;) {
    let best = -1;
    let bestScore = -Infinity;
    for (let index = 0; index + 1 < symbols.length; index++) {
      const entry = mergeable.get(symbols[index]! + symbols[index + 1]!);
      if (entry && entry.score > bestScore) {
        best = index;
        bestScore = entry.score;
      }
    }
    if (best < 0) break;
    symbols.splice(best, 2, symbols[best]! + symbols[best + 1]!);
  }
  const unknownId = pieces.findIndex(({ type }) => type === PieceTypes.unknown);
  return symbols.flatMap((symbol) => {
    const entry = mergeable.get(symbol);
    if (entry) return [entry.id];
    const bytes = Array.from(new TextEncoder().encode(symbol), (byte) => bytePieces.get(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`));
    return bytes.every((id) => id !== undefined) ? (bytes as number[]) : [unknownId];
  });
}
