// A LLaMA-family SentencePiece `tokenizer.model` as the `tokenizer.json` Hugging Face's converter writes for it,
// so checkpoints that ship only tokenizer.model (original LLaVA-1.5, Vicuna/CogVLM, Emu2) load in the ONNX
// runner through @huggingface/tokenizers.
//
// Follows huggingface/transformers src/transformers/convert_slow_tokenizer.py (v4.4x): `SpmConverter.tokenizer`
// + `LlamaConverter` (vocab/unk_id/normalizer/pre_tokenizer/decoder, handle_byte_fallback) + `generate_merges`
// as called by `SentencePieceExtractor.extract(vocab_scores)`, and the post-processor of
// src/transformers/models/llama/tokenization_llama_fast.py `LlamaTokenizerFast.update_post_processor`.
// Field numbers and defaults: google/sentencepiece src/sentencepiece_model.proto.
//
// Only BPE models are converted. LLaMA's tokenizer is BPE, and a Unigram model needs the Unigram model type
// and different normalization: refusing is safer than writing a tokenizer.json that silently tokenizes
// differently. For the same reason a model whose normalizer LlamaConverter ignores (a precompiled charsmap,
// whitespace collapsing, whitespace as suffix) is refused rather than converted as transformers would.
import { DataError } from '../../../core/errors.js';
import { ModelType, modelTypeName, PieceType, type SentencePieceModel } from './sentencepiece-model.js';
import type { AddedTokenSpec, LlamaTokenizerSettings } from './tokenizer-settings.js';

const SPACE_MARK = '\u2581';

export interface AddedTokenJson extends AddedTokenSpec {
  id: number;
}

/** Refuses what LlamaConverter would convert into a tokenizer that no longer matches the model. */
function checkLlamaLayout(model: SentencePieceModel, settings: LlamaTokenizerSettings, file: string): void {
  const { trainer, normalizer, pieces } = model;
  if (trainer.modelType !== ModelType.bpe) {
    throw new DataError(
      `${file}: a ${modelTypeName(trainer.modelType)} SentencePiece model; only BPE models (the LLaMA tokenizer of Emu2, LLaVA-1.5, Vicuna/CogVLM) are converted to tokenizer.json`,
      file,
    );
  }
  // LlamaConverter hard-codes unk at id 0 and renames ids 0-2; any other layout is not a LLaMA tokenizer.
  const layout = [
    ['unk_id', trainer.unkId, 0, PieceType.unknown],
    ['bos_id', trainer.bosId, 1, PieceType.control],
    ['eos_id', trainer.eosId, 2, PieceType.control],
  ] as const;
  for (const [field, actual, expected, type] of layout) {
    if (actual !== expected || pieces[expected]?.type !== type) {
      throw new DataError(`${file}: trainer_spec ${field} is ${actual} with piece ${expected} of type ${pieces[expected]?.type ?? '(none)'}; the LLaMA layout (<unk> 0, <s> 1, </s> 2) is required`, file, field);
    }
  }
  const ignored: string[] = [];
  if (normalizer.precompiledCharsmapBytes > 0) ignored.push(`normalizer "${normalizer.name}" (a precompiled Unicode charsmap)`);
  if (normalizer.removeExtraWhitespaces) ignored.push('remove_extra_whitespaces: true');
  if (!normalizer.escapeWhitespaces) ignored.push('escape_whitespaces: false');
  if (trainer.treatWhitespaceAsSuffix) ignored.push('treat_whitespace_as_suffix: true');
  if (normalizer.addDummyPrefix !== settings.addPrefixSpace) {
    ignored.push(`add_dummy_prefix: ${normalizer.addDummyPrefix} while tokenizer_config.json's add_prefix_space is ${settings.addPrefixSpace}`);
  }
  if (ignored.length > 0) {
    throw new DataError(`${file}: the SentencePiece normalizer has ${ignored.join(', ')}, which the LLaMA tokenizer.json cannot express; this is not a LLaMA-family tokenizer`, file);
  }
}

/**
 * transformers' generate_merges(vocab, vocab_scores): every split of every piece into two pieces of the
 * vocabulary is a merge, ranked by the merged piece's score (highest first), then longer left and right
 * parts first; ties keep vocabulary order (Python's sort is stable, and so is Array.prototype.sort).
 * Lengths and splits count code points, as Python's str does.
 */
export function generateMerges(scored: ReadonlyArray<{ piece: string; score: number }>, vocab: ReadonlyMap<string, number>): [string, string][] {
  const merges: { left: string; right: string; score: number; leftLength: number; rightLength: number }[] = [];
  for (const { piece, score } of scored) {
    const characters = Array.from(piece);
    const local: typeof merges = [];
    for (let index = 1; index < characters.length; index++) {
      const left = characters.slice(0, index).join('');
      const right = characters.slice(index).join('');
      if (vocab.has(left) && vocab.has(right)) local.push({ left, right, score, leftLength: index, rightLength: characters.length - index });
    }
    local.sort((a, b) => vocab.get(a.left)! - vocab.get(b.left)! || vocab.get(a.right)! - vocab.get(b.right)!);
    merges.push(...local);
  }
  merges.sort((a, b) => b.score - a.score || b.leftLength - a.leftLength || b.rightLength - a.rightLength);
  return merges.map(({ left, right }) => [left, right]);
}

/**
 * The added_tokens list as the fast tokenizer ends up with it: the model's control and user-defined pieces
 * (SpmConverter), then the declared tokens, then the special tokens (PreTrainedTokenizerFast.__init__). The
 * first definition of a content wins, a token of the vocabulary keeps its id, and a new one takes the next id
 * after the vocabulary — so a declared id that differs would put text on the wrong embedding row: refused.
 */
function assembleAddedTokens(model: SentencePieceModel, settings: LlamaTokenizerSettings, vocab: ReadonlyMap<string, number>): AddedTokenJson[] {
  const byContent = new Map<string, AddedTokenJson>();
  let nextId = vocab.size;
  const add = (token: AddedTokenSpec, declared?: { id: number; source: string }) => {
    const existing = byContent.get(token.content);
    const id = existing?.id ?? vocab.get(token.content) ?? nextId;
    if (declared && declared.id !== id) {
      throw new DataError(
        `${declared.source}: token ${JSON.stringify(token.content)} has id ${declared.id}, but converting tokenizer.model gives it id ${id} ` +
          `(the vocabulary has ${vocab.size} pieces and added tokens take the following ids in order); the files do not belong together`,
        declared.source,
      );
    }
    if (existing) return;
    if (id === nextId) nextId++;
    byContent.set(token.content, { id, ...token });
  };
  model.pieces.forEach(({ piece, type }) => {
    if (type === PieceType.control || type === PieceType.userDefined) {
      add({ content: piece, single_word: false, lstrip: false, rstrip: false, normalized: false, special: type === PieceType.control });
    }
  });
  const specialContents = new Set(settings.specialTokens.map((token) => token.content));
  for (const { token, id, source } of settings.declaredTokens) add({ ...token, special: token.special || specialContents.has(token.content) }, { id, source });
  for (const token of settings.specialTokens) add(token);
  return [...byContent.values()]
    .sort((left, right) => left.id - right.id)
    .map(({ id, content, single_word, lstrip, rstrip, normalized, special }) => ({ id, content, single_word, lstrip, rstrip, normalized, special }));
}

function postProcessor(settings: LlamaTokenizerSettings, idOf: (token: string) => number | undefined, file: string) {
  const special = (role: 'bos' | 'eos', token: string | null) => {
    if (token === null) throw new DataError(`${file}: add_${role}_token is true but there is no ${role}_token`, file);
    const id = idOf(token);
    if (id === undefined) throw new DataError(`${file}: ${role}_token ${JSON.stringify(token)} is not a token of the converted tokenizer`, file);
    return { token, id };
  };
  const bos = settings.addBosToken ? special('bos', settings.bosToken) : undefined;
  const eos = settings.addEosToken ? special('eos', settings.eosToken) : undefined;
  const sequence = (id: 'A' | 'B', typeId: number) => {
    const pieces: object[] = [];
    if (bos) pieces.push({ SpecialToken: { id: bos.token, type_id: typeId } });
    pieces.push({ Sequence: { id, type_id: typeId } });
    if (eos) pieces.push({ SpecialToken: { id: eos.token, type_id: typeId } });
    return pieces;
  };
  // tokenizers serializes the special-token map sorted by token.
  const specialTokens = Object.fromEntries(
    [bos, eos]
      .filter((token) => token !== undefined)
      .sort((left, right) => (left.token < right.token ? -1 : left.token > right.token ? 1 : 0))
      .map(({ token, id }) => [token, { id: token, ids: [id], tokens: [token] }]),
  );
  return { type: 'TemplateProcessing', single: sequence('A', 0), pair: [...sequence('A', 0), ...sequence('B', 1)], special_tokens: specialTokens };
}

/** The tokenizer.json object for `model`; `file` names the tokenizer.model in errors. */
export function sentencePieceToTokenizerJson(model: SentencePieceModel, settings: LlamaTokenizerSettings, file: string): Record<string, unknown> {
  checkLlamaLayout(model, settings, file);
  const vocab = new Map(model.pieces.map(({ piece }, id) => [piece, id]));
  // LlamaConverter.vocab: the first three pieces (<unk>, <s>, </s>) with score 0.
  const scored = model.pieces.map(({ piece, score }, id) => ({ piece, score: id < 3 ? 0 : score }));
  const addedTokens = assembleAddedTokens(model, settings, vocab);
  const addedIds = new Map(addedTokens.map(({ content, id }) => [content, id]));
  const idOf = (token: string) => addedIds.get(token) ?? vocab.get(token);

  const normalizer = settings.legacy
    ? {
        type: 'Sequence',
        normalizers: [
          ...(settings.addPrefixSpace ? [{ type: 'Prepend', prepend: SPACE_MARK }] : []),
          { type: 'Replace', pattern: { String: ' ' }, content: SPACE_MARK },
        ],
      }
    : null;
  const preTokenizer = settings.legacy
    ? null
    : { type: 'Metaspace', replacement: SPACE_MARK, prepend_scheme: settings.addPrefixSpace ? 'first' : 'never', split: false };
  const decoder = {
    type: 'Sequence',
    decoders: [
      { type: 'Replace', pattern: { String: SPACE_MARK }, content: ' ' },
      { type: 'ByteFallback' },
      { type: 'Fuse' },
      ...(settings.addPrefixSpace ? [{ type: 'Strip', content: ' ', start: 1, stop: 0 }] : []),
    ],
  };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer,
    pre_tokenizer: preTokenizer,
    post_processor: postProcessor(settings, idOf, file),
    decoder,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: model.trainer.unkPiece,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: true,
      byte_fallback: true,
      ignore_merges: false,
      vocab: Object.fromEntries(vocab),
      merges: generateMerges(scored, vocab),
    },
  };
}
