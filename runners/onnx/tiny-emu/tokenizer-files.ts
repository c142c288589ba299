// tokenizer.json / tokenizer_config.json for tiny-emu, in the Hugging Face `tokenizers` format, so the
// runner loads it through exactly the code path a real exported model uses.
import { tokenizerCorpus } from './corpus.js';
import { trainByteLevelBpe } from './byte-level-bpe.js';

export const SPECIAL_TOKENS = {
  unknown: '<unk>',
  begin: '<s>',
  end: '</s>',
  padding: '<pad>',
  imageStart: '[IMG]',
  imageEnd: '[/IMG]',
  image: '<image>',
} as const;

/**
 * Emu2-Chat's prompt shape, `<system> [USER]: <instruction> [ASSISTANT]: <answer>`, as a Jinja chat
 * template. A conversation without a system message starts directly with ` [USER]:`, as Emu2's own code
 * concatenates it.
 */
export const EMU2_CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'system' %}{{ message['content'] }}" +
  "{% elif message['role'] == 'user' %}{{ ' [USER]: ' + message['content'] }}" +
  "{% elif message['role'] == 'assistant' %}{{ ' [ASSISTANT]: ' + message['content'] + eos_token }}" +
  "{% endif %}{% endfor %}{% if add_generation_prompt %}{{ ' [ASSISTANT]:' }}{% endif %}";

export interface TokenizerFiles {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  vocabularySize: number;
  ids: Record<keyof typeof SPECIAL_TOKENS, number>;
}

export function buildTokenizerFiles(mergeCount: number): TokenizerFiles {
  const trained = trainByteLevelBpe(tokenizerCorpus(), mergeCount);
  const vocabulary = new Map<string, number>();
  const add = (token: string) => {
    if (!vocabulary.has(token)) vocabulary.set(token, vocabulary.size);
  };
  // LLaMA's order: unknown, begin, end first; Emu2's image tokens are appended after the learned vocabulary.
  for (const token of [SPECIAL_TOKENS.unknown, SPECIAL_TOKENS.begin, SPECIAL_TOKENS.end, SPECIAL_TOKENS.padding]) add(token);
  for (const symbol of trained.symbols) add(symbol);
  for (const token of [SPECIAL_TOKENS.imageStart, SPECIAL_TOKENS.imageEnd, SPECIAL_TOKENS.image]) add(token);

  const ids = Object.fromEntries(
    Object.entries(SPECIAL_TOKENS).map(([key, token]) => [key, vocabulary.get(token) as number]),
  ) as TokenizerFiles['ids'];
  const addedTokens = Object.values(SPECIAL_TOKENS).map((content) => ({ id: vocabulary.get(content) as number, content }));
  const tokenizerJson = byteLevelBpeTokenizerJson({
    addedTokens,
    vocab: Object.fromEntries(vocabulary),
    merges: trained.merges,
    begin: { token: SPECIAL_TOKENS.begin, id: ids.begin },
  });


  const tokenizerConfig = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: SPECIAL_TOKENS.begin,
    eos_token: SPECIAL_TOKENS.end,
    unk_token: SPECIAL_TOKENS.unknown,
    pad_token: SPECIAL_TOKENS.padding,
    additional_special_tokens: [SPECIAL_TOKENS.imageStart, SPECIAL_TOKENS.imageEnd, SPECIAL_TOKENS.image],
    add_bos_token: true,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    model_max_length: 4096,
    chat_template: EMU2_CHAT_TEMPLATE,
  };
  return { tokenizerJson, tokenizerConfig, vocabularySize: vocabulary.size, ids };
}

/**
 * tokenizer.json for a byte-level BPE (GPT-2's ByteLevel pre-tokenizer and decoder) whose encodings
 * start with the begin token; the added tokens are special and listed by id.
 */
export function byteLevelBpeTokenizerJson(options: {
  addedTokens: Array<{ id: number; content: string }>;
  vocab: Record<string, number>;
  merges: Array<[string, string]>;
  begin: { token: string; id: number };
}): Record<string, unknown> {
  const { begin } = options;
  const addedTokens = options.addedTokens
    .map(({ id, content }) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }))
    .sort((left, right) => left.id - right.id);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: begin.token, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: begin.token, type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: begin.token, type_id: 1 } },
        { Sequence: { id: 'B', type_id: 1 } },
      ],
      special_tokens: { [begin.token]: { id: begin.token, ids: [begin.id], tokens: [begin.token] } },
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: options.vocab,
      merges: options.merges,
    },
  };
}
