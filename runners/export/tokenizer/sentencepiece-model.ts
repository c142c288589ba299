// SentencePiece's `tokenizer.model` (a serialized sentencepiece.ModelProto), reduced to what converting it to
// a Hugging Face tokenizer.json needs. Field numbers and defaults follow google/sentencepiece
// src/sentencepiece_model.proto (proto2: an absent field takes the declared default, which is why every
// default is spelled out here — LLaMA's model omits, e.g., escape_whitespaces and relies on `true`).
import { DataError } from '../../../core/errors.js';
import { float32Of, int32Of, readFields, WireType, type WireField } from './protobuf-wire.js';

/** ModelProto.SentencePiece.Type. */
export const PieceType = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

/** TrainerSpec.ModelType. */
export const ModelType = { unigram: 1, bpe: 2, word: 3, char: 4 } as const;

export interface SentencePiece {
  piece: string;
  score: number;
  type: number;
}

export interface TrainerSpec {
  modelType: number;
  byteFallback: boolean;
  treatWhitespaceAsSuffix: boolean;
  unkId: number;
  bosId: number;
  eosId: number;
  padId: number;
  unkPiece: string;
  bosPiece: string;
  eosPiece: string;
  padPiece: string;
}

export interface NormalizerSpec {
  name: string;
  /** Only its size matters: a non-empty charsmap is a Unicode normalization LLaMA's converter does not carry over. */
  precompiledCharsmapBytes: number;
  addDummyPrefix: boolean;
  removeExtraWhitespaces: boolean;
  escapeWhitespaces: boolean;
}

export interface SentencePieceModel {
  pieces: SentencePiece[];
  trainer: TrainerSpec;
  normalizer: NormalizerSpec;
}

export function modelTypeName(modelType: number): string {
  return Object.entries(ModelType).find(([, value]) => value === modelType)?.[0].toUpperCase() ?? `unknown (${modelType})`;
}

/** Parses a `tokenizer.model`; `file` names it in errors. */
export function parseSentencePieceModel(bytes: Uint8Array, file: string): SentencePieceModel {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const expect = (field: WireField, wireType: number, message: string) => {
    if (field.wireType !== wireType) {
      throw new DataError(`${file}: ${message} field ${field.number} has wire type ${field.wireType}, expected ${wireType}: not a SentencePiece model`, file);
    }
    return field;
  };
  const text = (field: WireField, message: string) => {
    try {
      return utf8.decode(expect(field, WireType.lengthDelimited, message).bytes);
    } catch (error) {
      if (error instanceof DataError) throw error;
      throw new DataError(`${file}: ${message} field ${field.number} is not valid UTF-8`, file);
    }
  };
  const flag = (field: WireField, message: string) => expect(field, WireType.varint, message).varint !== 0n;
  const int32 = (field: WireField, message: string) => int32Of(expect(field, WireType.varint, message));

  const pieces: SentencePiece[] = [];
  const trainer: TrainerSpec = {
    modelType: ModelType.unigram,
    byteFallback: false,
    treatWhitespaceAsSuffix: false,
    unkId: 0,
    bosId: 1,
    eosId: 2,
    padId: -1,
    unkPiece: '<unk>',
    bosPiece: '<s>',
    eosPiece: '</s>',
    padPiece: '<pad>',
  };
  const normalizer: NormalizerSpec = {
    name: '',
    precompiledCharsmapBytes: 0,
    addDummyPrefix: true,
    removeExtraWhitespaces: true,
    escapeWhitespaces: true,
  };

  for (const field of readFields(bytes, file)) {
    if (field.number === 1) {
      const piece: SentencePiece = { piece: '', score: 0, type: PieceType.normal };
      for (const inner of readFields(expect(field, WireType.lengthDelimited, 'ModelProto').bytes, file)) {
        if (inner.number === 1) piece.piece = text(inner, 'SentencePiece');
        else if (inner.number === 2) piece.score = float32Of(expect(inner, WireType.fixed32, 'SentencePiece'));
        else if (inner.number === 3) piece.type = int32(inner, 'SentencePiece');
      }
      pieces.push(piece);
    } else if (field.number === 2) {
      for (const inner of readFields(expect(field, WireType.lengthDelimited, 'ModelProto').bytes, file)) {
        const at = 'TrainerSpec';
        if (inner.number === 3) trainer.modelType = int32(inner, at);
        else if (inner.number === 24) trainer.treatWhitespaceAsSuffix = flag(inner, at);
        else if (inner.number === 35) trainer.byteFallback = flag(inner, at);
        else if (inner.number === 40) trainer.unkId = int32(inner, at);
        else if (inner.number === 41) trainer.bosId = int32(inner, at);
        else if (inner.number === 42) trainer.eosId = int32(inner, at);
        else if (inner.number === 43) trainer.padId = int32(inner, at);
        else if (inner.number === 45) trainer.unkPiece = text(inner, at);
        else if (inner.number === 46) trainer.bosPiece = text(inner, at);
        else if (inner.number === 47) trainer.eosPiece = text(inner, at);
        else if (inner.number === 48) trainer.padPiece = text(inner, at);
      }
    } else if (field.number === 3) {
      for (const inner of readFields(expect(field, WireType.lengthDelimited, 'ModelProto').bytes, file)) {
        const at = 'NormalizerSpec';
        if (inner.number === 1) normalizer.name = text(inner, at);
        else if (inner.number === 2) normalizer.precompiledCharsmapBytes = expect(inner, WireType.lengthDelimited, at).bytes.length;
        else if (inner.number === 3) normalizer.addDummyPrefix = flag(inner, at);
        else if (inner.number === 4) normalizer.removeExtraWhitespaces = flag(inner, at);
        else if (inner.number === 5) normalizer.escapeWhitespaces = flag(inner, at);
      }
    }
    // Field 4 (self-test data) and 5 (denormalizer) do not affect encoding into ids.
  }

  if (pieces.length === 0) throw new DataError(`${file}: the SentencePiece model has no pieces (is this a tokenizer.model file?)`, file);
  const seen = new Map<string, number>();
  pieces.forEach(({ piece, type }, id) => {
    if (piece === '') throw new DataError(`${file}: piece ${id} is empty`, file);
    if (!Object.values(PieceType).includes(type as never)) throw new DataError(`${file}: piece ${id} ${JSON.stringify(piece)} has unknown type ${type}`, file);
    const earlier = seen.get(piece);
    if (earlier !== undefined) throw new DataError(`${file}: piece ${JSON.stringify(piece)} appears twice (ids ${earlier} and ${id})`, file);
    seen.set(piece, id);
  });
  return { pieces, trainer, normalizer };
}
