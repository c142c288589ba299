// A tokenizer for a random-weight export, which has no checkpoint to copy one from: byte-level (every
// text encodes, one token per UTF-8 byte, GPT-2's byte table) with exactly the config's vocabulary size,
// LLaMA's <unk>/<s>/</s> at 0/1/2, the special tokens the architecture's prompts need at the ids its
// config names, and unused filler tokens for the rest. It tokenizes nothing like the real model's
// tokenizer — prompts are longer in tokens — which is all a throughput measurement needs.
import { ConfigError } from '../../../core/errors.js';
import { byteToCharacterTable } from '../../onnx/tiny-emu/byte-level-bpe.js';
import { byteLevelBpeTokenizerJson } from '../../onnx/tiny-emu/tokenizer-files.js';

export interface SpecialToken {
  content: string;
  /** Where the config fixes it (LLaVA's image_token_index); otherwise the last free ids are used. */
  id?: number;
}

const BASE_SPECIALS: SpecialToken[] = [
  { content: '<unk>', id: 0 },
  { content: '<s>', id: 1 },
  { content: '</s>', id: 2 },
];

export interface SyntheticTokenizer {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
}

export function syntheticTokenizer(vocabularySize: number, specials: SpecialToken[]): SyntheticTokenizer {
  const all = [...BASE_SPECIALS, ...specials];
  const bytes = byteToCharacterTable();
  if (vocabularySize < bytes.length + all.length) throw new ConfigError(`random export: vocab_size ${vocabularySize} is too small for a byte-level tokenizer (needs at least ${bytes.length + all.length})`);
  const tokens = new Array<string | undefined>(vocabularySize);
  for (const special of all.filter((token) => token.id !== undefined)) {
    if (special.id! >= vocabularySize) throw new ConfigError(`random export: ${special.content} has id ${special.id}, outside vocab_size ${vocabularySize}`);
    if (tokens[special.id!] !== undefined) throw new ConfigError(`random export: ${special.content} and ${tokens[special.id!]} both have id ${special.id}`);
    tokens[special.id!] = special.content;
  }
  let free = vocabularySize - 1;
  for (const special of all.filter((token) => token.id === undefined)) {
    while (tokens[free] !== undefined) free--;
    tokens[free] = special.content;
  }
  let next = 0;
  for (const character of bytes) {
    while (tokens[next] !== undefined) next++;
    tokens[next] = character;
  }
  for (let id = 0; id < vocabularySize; id++) tokens[id] ??= `<|unused_${id}|>`;

  const specialContents = new Set(all.map((token) => token.content));
  const vocab = Object.fromEntries(tokens.map((token, id) => [token!, id]));
  const addedTokens = tokens.map((content, id) => ({ id, content: content! })).filter(({ content }) => specialContents.has(content));
  const tokenizerJson = byteLevelBpeTokenizerJson({ addedTokens, vocab, merges: [], begin: { token: '<s>', id: 1 } });
  const tokenizerConfig = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: '<s>',
    eos_token: '</s>',
    unk_token: '<unk>',
    add_bos_token: true,
    add_eos_token: false,
    clean_up_tokenization_spaces: false,
    additional_special_tokens: specials.map((token) => token.content),
  };
  return { tokenizerJson, tokenizerConfig };
}
