import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataError } from '../../../core/errors.js';
import { ModelType, parseSentencePieceModel, PieceType } from '../../../runners/export/tokenizer/sentencepiece-model.js';
import { PieceTypes, serializeModel, testPieces } from './sentencepiece-test-model.js';

const FILE = '/ckpt/tokenizer.model';

describe('SentencePiece ModelProto reader', () => {
  test('reads pieces with scores and types, trainer and normalizer specs', () => {
    const pieces = testPieces();
    const model = parseSentencePieceModel(serializeModel(pieces), FILE);
    assert.equal(model.pieces.length, pieces.length);
    assert.deepEqual(model.pieces.slice(0, 4), [
      { piece: '<unk>', score: 0, type: PieceType.unknown },
      { piece: '<s>', score: 0, type: PieceType.control },
      { piece: '</s>', score: 0, type: PieceType.control },
      { piece: '<0x00>', score: 0, type: PieceType.byte },
    ]);
    // Normal pieces are written without a type field (proto2 default), and scores go through float32.
    assert.deepEqual(model.pieces[259], { piece: '▁t', score: 0, type: PieceType.normal });
    assert.deepEqual(model.pieces[262], { piece: 'in', score: -3, type: PieceType.normal });
    assert.equal(model.pieces.at(-1)!.piece, '東');
    assert.deepEqual(model.trainer, {
      modelType: ModelType.bpe,
      byteFallback: true,
      treatWhitespaceAsSuffix: false,
      unkId: 0,
      bosId: 1,
      eosId: 2,
      padId: -1, // a sign-extended 10-byte varint on the wire
      unkPiece: '<unk>',
      bosPiece: '<s>',
      eosPiece: '</s>',
      padPiece: '<pad>',
    });
    assert.deepEqual(model.normalizer, { name: 'identity', precompiledCharsmapBytes: 0, addDummyPrefix: true, removeExtraWhitespaces: false, escapeWhitespaces: true });
  });

  test('absent optional fields take the defaults declared in sentencepiece_model.proto', () => {
    const model = parseSentencePieceModel(serializeModel(testPieces(), { removeExtraWhitespaces: 'absent' }), FILE);
    assert.equal(model.normalizer.removeExtraWhitespaces, true);
    const unigram = parseSentencePieceModel(serializeModel(testPieces(), { modelType: ModelType.unigram, byteFallback: false }), FILE);
    assert.equal(unigram.trainer.modelType, ModelType.unigram);
    assert.equal(unigram.trainer.byteFallback, false);
  });

  test('truncated or foreign bytes are a DataError naming the file', () => {
    const bytes = serializeModel(testPieces());
    assert.throws(() => parseSentencePieceModel(bytes.subarray(0, bytes.length - 3), FILE), (error: Error) => error instanceof DataError && error.message.startsWith(FILE) && /running past the end|truncated/.test(error.message));
    const json = new TextEncoder().encode('{"version": "1.0", "model": {}}');
    assert.throws(() => parseSentencePieceModel(json, FILE), (error: Error) => error instanceof DataError && error.message.includes(FILE));
    assert.throws(() => parseSentencePieceModel(new Uint8Array(0), FILE), /has no pieces/);
  });

  test('duplicate pieces and unknown piece types are refused', () => {
    const duplicate = [...testPieces(), { piece: '▁t', score: -999, type: PieceTypes.normal }];
    assert.throws(() => parseSentencePieceModel(serializeModel(duplicate), FILE), /"▁t" appears twice \(ids 259 and 376\)/);
    const unknownType = [...testPieces(), { piece: 'zz', score: -999, type: 9 }];
    assert.throws(() => parseSentencePieceModel(serializeModel(unknownType), FILE), /piece 376 "zz" has unknown type 9/);
  });
});
