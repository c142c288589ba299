// What a LLaMA-family checkpoint's side files say about its tokenizer beyond tokenizer.model, read the way
// transformers' PreTrainedTokenizerBase._from_pretrained + LlamaTokenizer.__init__ read them (v4.34+):
//   * tokenizer_config.json: legacy, add_prefix_space, add_bos_token, add_eos_token, the special tokens, and
//     `added_tokens_decoder` ({"<id>": {content, lstrip, rstrip, normalized, single_word, special}});
//   * only when there is no `added_tokens_decoder` (checkpoints saved before v4.34, e.g. Emu2, LLaVA-1.5):
//     special_tokens_map.json overrides the config's special tokens, and added_tokens.json ({token: id}) declares
//     extra tokens, special when they are one of the special tokens, `normalized` otherwise.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../../core/errors.js';

export interface AddedTokenSpec {
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

export interface DeclaredToken {
  token: AddedTokenSpec;
  /** The id the checkpoint's files give it; the embedding rows of the model follow these ids. */
  id: number;
  /** The file that declared it, for errors. */
  source: string;
}

export interface LlamaTokenizerSettings {
  /** transformers' `legacy` (default true): a Prepend/Replace normalizer rather than a Metaspace pre-tokenizer. */
  legacy: boolean;
  /** Whether a ▁ is prepended to the text (SentencePiece's add_dummy_prefix); default true. */
  addPrefixSpace: boolean;
  addBosToken: boolean;
  addEosToken: boolean;
  bosToken: string | null;
  eosToken: string | null;
  /** added_tokens_decoder or added_tokens.json entries, in id order. */
  declaredTokens: DeclaredToken[];
  /** bos, eos, unk, pad, then additional_special_tokens: transformers adds any not yet present. */
  specialTokens: AddedTokenSpec[];
}

const SPECIAL_TOKEN_KEYS = ['bos_token', 'eos_token', 'unk_token', 'pad_token'] as const;
/** LlamaTokenizer's defaults when the files name no special token. */
const LLAMA_DEFAULTS: Record<(typeof SPECIAL_TOKEN_KEYS)[number], string | null> = { bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>', pad_token: null };

type Json = Record<string, unknown>;

function readJsonObject(file: string): Json | undefined {
  if (!existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DataError(`${file}: not valid JSON (${(error as Error).message})`, file);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new DataError(`${file}: expected a JSON object`, file);
  return value as Json;
}

/** A special token as written: a string, or an AddedToken object (older files add `"__type": "AddedToken"`). */
function tokenSpec(value: unknown, file: string, field: string, special: boolean): AddedTokenSpec {
  if (typeof value === 'string') return { content: value, single_word: false, lstrip: false, rstrip: false, normalized: !special, special };
  if (typeof value === 'object' && value !== null && typeof (value as Json).content === 'string') {
    const object = value as Json;
    const flag = (key: string, fallback: boolean) => (typeof object[key] === 'boolean' ? (object[key] as boolean) : fallback);
    const isSpecial = special || flag('special', false);
    return {
      content: object.content as string,
      single_word: flag('single_word', false),
      lstrip: flag('lstrip', false),
      rstrip: flag('rstrip', false),
      // tokenizers' AddedToken default: special tokens match the raw text, others the normalized text.
      normalized: flag('normalized', !isSpecial),
      special: isSpecial,
    };
  }
  throw new DataError(`${file}: ${field} must be a string or an object with a string "content"`, file, field);
}

function flagOf(config: Json, key: string, fallback: boolean, file: string): boolean {
  const value = config[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new DataError(`${file}: ${key} must be true or false, not ${JSON.stringify(value)}`, file, key);
  return value;
}

/** Reads the settings from a checkpoint folder; every file is optional (a bare tokenizer.model gets LLaMA's defaults). */
export function readTokenizerSettings(directory: string): LlamaTokenizerSettings {
  const configFile = path.join(directory, 'tokenizer_config.json');
  const config = readJsonObject(configFile) ?? {};
  const specials: Json = {};
  for (const key of [...SPECIAL_TOKEN_KEYS, 'additional_special_tokens']) if (config[key] !== undefined) specials[key] = config[key];
  const specialSource: Record<string, string> = Object.fromEntries(Object.keys(specials).map((key) => [key, configFile]));
  const declaredTokens: DeclaredToken[] = [];

  const decoder = config.added_tokens_decoder;
  if (decoder !== undefined && decoder !== null) {
    if (typeof decoder !== 'object' || Array.isArray(decoder)) throw new DataError(`${configFile}: added_tokens_decoder must be an object of id → token`, configFile, 'added_tokens_decoder');
    for (const [key, value] of Object.entries(decoder as Json)) {
      const id = Number(key);
      if (!Number.isInteger(id) || id < 0) throw new DataError(`${configFile}: added_tokens_decoder key ${JSON.stringify(key)} is not a token id`, configFile, 'added_tokens_decoder');
      declaredTokens.push({ token: tokenSpec(value, configFile, `added_tokens_decoder.${key}`, false), id, source: configFile });
    }
  } else {
    const mapFile = path.join(directory, 'special_tokens_map.json');
    for (const [key, value] of Object.entries(readJsonObject(mapFile) ?? {})) {
      if (key === 'additional_special_tokens' && Array.isArray(value) && Array.isArray(specials[key])) {
        // transformers appends the map's extra tokens to the config's rather than replacing them.
        const contents = new Set((specials[key] as unknown[]).map((token) => tokenSpec(token, configFile, key, true).content));
        specials[key] = [...(specials[key] as unknown[]), ...value.filter((token) => !contents.has(tokenSpec(token, mapFile, key, true).content))];
      } else {
        specials[key] = value;
      }
      specialSource[key] = mapFile;
    }
    const addedFile = path.join(directory, 'added_tokens.json');
    const added = readJsonObject(addedFile);
    if (added) {
      const specialContents = new Set(specialTokensOf(specials, specialSource).map((token) => token.content));
      for (const [content, id] of Object.entries(added)) {
        if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw new DataError(`${addedFile}: the id of ${JSON.stringify(content)} must be a non-negative integer, not ${JSON.stringify(id)}`, addedFile, content);
        const special = specialContents.has(content);
        declaredTokens.push({ token: { content, single_word: false, lstrip: false, rstrip: false, normalized: !special, special }, id, source: addedFile });
      }
    }
  }
  declaredTokens.sort((left, right) => left.id - right.id);

  const name = (key: (typeof SPECIAL_TOKEN_KEYS)[number]) => {
    const value = key in specials ? specials[key] : LLAMA_DEFAULTS[key];
    return value === null ? null : tokenSpec(value, specialSource[key] ?? configFile, key, true).content;
  };
  return {
    legacy: flagOf(config, 'legacy', true, configFile),
    addPrefixSpace: flagOf(config, 'add_prefix_space', true, configFile),
    addBosToken: flagOf(config, 'add_bos_token', true, configFile),
    addEosToken: flagOf(config, 'add_eos_token', false, configFile),
    bosToken: name('bos_token'),
    eosToken: name('eos_token'),
    declaredTokens,
    specialTokens: specialTokensOf(specials, specialSource),
  };
}

function specialTokensOf(specials: Json, source: Record<string, string>): AddedTokenSpec[] {
  const tokens: AddedTokenSpec[] = [];
  for (const key of SPECIAL_TOKEN_KEYS) {
    const value = key in specials ? specials[key] : LLAMA_DEFAULTS[key];
    if (value !== null && value !== undefined) tokens.push(tokenSpec(value, source[key] ?? 'tokenizer_config.json', key, true));
  }
  const additional = specials.additional_special_tokens;
  if (additional !== undefined && additional !== null) {
    const file = source.additional_special_tokens ?? 'tokenizer_config.json';
    if (!Array.isArray(additional)) throw new DataError(`${file}: additional_special_tokens must be a list`, file, 'additional_special_tokens');
    additional.forEach((token, index) => tokens.push(tokenSpec(token, file, `additional_special_tokens[${index}]`, true)));
  }
  return tokens;
}
