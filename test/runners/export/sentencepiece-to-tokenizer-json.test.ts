import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Tokenizer } from '@huggingface/tokenizers';
import { DataError } from '../../../core/errors.js';
import { ModelType, parseSentencePieceModel } from '../../../runners/export/tokenizer/sentencepiece-model.js';
import { sentencePieceToTokenizerJson } from '../../../runners/export/tokenizer/sentencepiece-to-tokenizer-json.js';
import type { LlamaTokenizerSettings } from '../../../runners/export/tokenizer/tokenizer-settings.js';
import { referenceEncode } from './sentencepiece-bpe-reference.js';
import { serializeModel, testPieces, type TestModelOptions } from './sentencepiece-test-model.js';

const FILE = '/ckpt/tokenizer.model';
const pieces = testPieces();
const id = (piece: string) => pieces.findIndex((entry) => entry.piece === piece);

/** LlamaTokenizer's defaults: what a checkpoint with no tokenizer_config.json gets. */
const LLAMA: LlamaTokenizerSettings = {
  legacy: true,
  addPrefixSpace: true,
  addBosToken: true,
  addEosToken: false,
  bosToken: '<s>',
  eosToken: '</s>',
  declaredTokens: [],
  specialTokens: ['<s>', '</s>', '<unk>'].map((content) => ({ content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
};

function convert(settings: Partial<LlamaTokenizerSettings> = {}, options: TestModelOptions = {}) {
  return sentencePieceToTokenizerJson(parseSentencePieceModel(serializeModel(pieces, options), FILE), { ...LLAMA, ...settings }, FILE) as Record<string, any>;
}

function load(json: object) {
  return new Tokenizer(json, { clean_up_tokenization_spaces: false });
}

// Leading, doubled and only spaces, newline and tab, characters outside the vocabulary (byte fallback: uppercase,
// Latin-1, CJK, emoji, NUL), merges of several levels. Cross-checked once against sentencepiece 0.1.97 itself.
const TEXTS = [
  'Hello world', 'the answer', 'what color is the car? short answer: red', ' leading space', 'two  spaces', '    four',
  'tabs\tand\nnewline', 'Zürich', '😀 emoji', '東京 and é', 'thing there is', 'x', 'The What', '12 ?', 'ÿ', '  ', 'a\u0000b',
];

describe('SentencePiece BPE tokenizer.model → tokenizer.json (LlamaConverter)', () => {
  test('writes the structure LlamaConverter + LlamaTokenizerFast produce', () => {
    const json = convert();
    assert.deepEqual(Object.keys(json), ['version', 'truncation', 'padding', 'added_tokens', 'normalizer', 'pre_tokenizer', 'post_processor', 'decoder', 'model']);
    assert.deepEqual(json.added_tokens, [0, 1, 2].map((tokenId) => ({ id: tokenId, content: pieces[tokenId]!.piece, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })));
    assert.deepEqual(json.normalizer, { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] });
    assert.equal(json.pre_tokenizer, null);
    assert.deepEqual(json.post_processor, {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    });
    assert.deepEqual(json.decoder, {
      type: 'Sequence',
      decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }],
    });
    const { vocab, merges, ...model } = json.model;
    assert.deepEqual(model, { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: true, ignore_merges: false });
    assert.equal(Object.keys(vocab).length, pieces.length);
    assert.equal(vocab['<0x0A>'], 13);
    assert.equal(vocab['▁the'], id('▁the'));
  });

  test('merges come from every split of a piece into two pieces, ranked by score, longer left part first', () => {
    const { merges } = convert().model as { merges: [string, string][] };
    assert.deepEqual(merges.slice(0, 3), [['▁', 't'], ['h', 'e'], ['▁th', 'e']]);
    // '▁the' (score -2) splits as ▁t|he and ▁th|e (▁th is a later piece): equal scores, so the longer left part ranks first.
    assert.equal(merges[3]![0], '▁t');
    assert.deepEqual(merges[3], ['▁t', 'he']);
    // 'té' has no ▁ and is still a merge; byte pieces and <s> never split into pieces.
    assert.ok(merges.some(([left, right]) => left === 't' && right === 'é'));
    assert.ok(!merges.some(([left, right]) => (left + right).startsWith('<')));
  });

  test('encodes every text to the ids SentencePiece BPE with byte fallback gives', () => {
    const tokenizer = load(convert());
    for (const text of TEXTS) {
      assert.deepEqual(tokenizer.encode(text, { add_special_tokens: false }).ids, referenceEncode(pieces, text), JSON.stringify(text));
    }
    // Anchors that do not depend on the reference encoder.
    const tokens = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).tokens;
    assert.deepEqual(tokens('Hello world'), ['▁Hello', '▁world']);
    assert.deepEqual(tokens('two  spaces'), ['▁t', 'w', 'o', '▁▁', 's', 'p', 'a', 'c', 'e', 's']);
    assert.deepEqual(tokens('a\nb'), ['▁a', '<0x0A>', 'b']);
    assert.deepEqual(tokens('Zürich'), ['▁', '<0x5A>', '<0xC3>', '<0xBC>', 'r', 'i', 'c', 'h']);
    assert.deepEqual(tokens('😀'), ['▁', '<0xF0>', '<0x9F>', '<0x98>', '<0x80>']);
    assert.deepEqual(tokenizer.encode('', { add_special_tokens: false }).ids, []);
  });

  test('BOS comes from the post-processor, EOS only with add_eos_token', () => {
    assert.deepEqual(load(convert()).encode('the answer').ids, [1, id('▁the'), id('▁answer')]);
    const withEos = convert({ addEosToken: true });
    assert.deepEqual(withEos.post_processor.special_tokens, { '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] }, '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } });
    assert.deepEqual(load(withEos).encode('the answer').ids, [1, id('▁the'), id('▁answer'), 2]);
    assert.deepEqual(load(convert({ addBosToken: false })).encode('x').ids, [id('▁x')]);
  });

  test('decoding gives back the text, bytes fused back into characters', () => {
    const tokenizer = load(convert());
    for (const text of TEXTS) assert.equal(tokenizer.decode(tokenizer.encode(text).ids, { skip_special_tokens: true }), text, JSON.stringify(text));
  });

  test('legacy: false gives the Metaspace pre-tokenizer transformers writes, same ids for plain text', () => {
    const json = convert({ legacy: false });
    assert.equal(json.normalizer, null);
    assert.deepEqual(json.pre_tokenizer, { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false });
    const tokenizer = load(json);
    // Not texts with a leading space: Metaspace does not prepend ▁ to text that already starts with one.
    for (const text of TEXTS.filter((text) => !text.startsWith(' '))) {
      assert.deepEqual(tokenizer.encode(text, { add_special_tokens: false }).ids, referenceEncode(pieces, text), JSON.stringify(text));
    }
  });

  test('a model without the dummy prefix converts with add_prefix_space false: no Prepend, no Strip', () => {
    const json = convert({ addPrefixSpace: false }, { addDummyPrefix: false });
    assert.deepEqual(json.normalizer.normalizers, [{ type: 'Replace', pattern: { String: ' ' }, content: '▁' }]);
    assert.ok(!json.decoder.decoders.some((decoder: { type: string }) => decoder.type === 'Strip'));
    const tokenizer = load(json);
    for (const text of TEXTS) assert.deepEqual(tokenizer.encode(text, { add_special_tokens: false }).ids, referenceEncode(pieces, text, false), JSON.stringify(text));
  });

  test('models LlamaConverter would convert into a different tokenizer are refused, naming the file', () => {
    const refused = (pattern: RegExp) => (error: Error) => error instanceof DataError && error.message.startsWith(FILE) && pattern.test(error.message);
    assert.throws(() => convert({}, { modelType: ModelType.unigram }), refused(/a UNIGRAM SentencePiece model; only BPE models/));
    assert.throws(() => convert({}, { removeExtraWhitespaces: 'absent' }), refused(/remove_extra_whitespaces: true/));
    assert.throws(() => convert({}, { addDummyPrefix: false }), refused(/add_dummy_prefix: false while tokenizer_config.json's add_prefix_space is true/));
    const swapped = [pieces[1]!, pieces[0]!, ...pieces.slice(2)];
    assert.throws(() => sentencePieceToTokenizerJson(parseSentencePieceModel(serializeModel(swapped), FILE), LLAMA, FILE), refused(/unk_id is 0 with piece 0 of type 3; the LLaMA layout/));
    assert.throws(() => convert({ eosToken: null, addEosToken: true }), refused(/add_eos_token is true but there is no eos_token/));
  });
});
