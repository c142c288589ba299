// The model's tokenizer, loaded from tokenizer.json + tokenizer_config.json by @huggingface/tokenizers
// (pure JavaScript, fully offline), and the token ids the runner needs resolved and cross-checked.
import { Tokenizer } from '@huggingface/tokenizers';
import { ConfigError } from '../../core/errors.js';
import type { ModelSettings } from './config.js';

export interface ImageTokens {
  /** Placeholder text that stands for one image in a rendered prompt (e.g. `<image>`). */
  placeholder: string;
  placeholderId: number;
  /** Emu2's `[IMG]` / `[/IMG]` around each image's visual tokens, when the model has them. */
  startId?: number;
  endId?: number;
}

export class TextTokenizer {
  private readonly tokenizer: Tokenizer;

  constructor(tokenizerJson: object, tokenizerConfig: object) {
    this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  }

  /** `addSpecialTokens` applies the tokenizer's post-processor (the BOS token of LLaMA-family models). */
  encode(text: string, addSpecialTokens: boolean): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: addSpecialTokens }).ids;
  }

  /** Generated text, without special tokens, as Hugging Face's `batch_decode(skip_special_tokens=True)`. */
  decode(ids: number[]): string {
    // The library rejects an empty list; an answer that is just EOS is the empty string.
    if (ids.length === 0) return '';
    return this.tokenizer.decode(ids, { skip_special_tokens: true });
  }

  tokenId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  tokenText(id: number): string | undefined {
    return this.tokenizer.id_to_token(id);
  }

  vocabularySize(): number {
    let largest = -1;
    for (const id of this.tokenizer.get_vocab(true).values()) largest = Math.max(largest, id);
    return largest + 1;
  }
}

/** Resolves the image placeholder and wrapping tokens, checking config.json and tokenizer.json agree. */
export function resolveImageTokens(settings: ModelSettings, tokenizer: TextTokenizer, directory: string): ImageTokens {
  const placeholder = settings.imageToken ?? tokenizer.tokenText(settings.imageTokenId);
  if (placeholder === undefined) {
    throw new ConfigError(`${directory}: config.json image_token_id ${settings.imageTokenId} is not a token of tokenizer.json`);
  }
  const placeholderId = tokenizer.tokenId(placeholder);
  if (placeholderId !== settings.imageTokenId) {
    throw new ConfigError(
      `${directory}: config.json says the image token is ${JSON.stringify(placeholder)} with id ${settings.imageTokenId}, ` +
        `but tokenizer.json gives ${JSON.stringify(placeholder)} the id ${placeholderId ?? '(none)'}: the files do not belong together`,
    );
  }
  const wrapping = (token: string | undefined, field: string) => {
    if (token === undefined) return undefined;
    const id = tokenizer.tokenId(token);
    if (id === undefined) throw new ConfigError(`${directory}: config.json ${field} ${JSON.stringify(token)} is not a token of tokenizer.json`);
    return id;
  };
  return {
    placeholder,
    placeholderId,
    startId: wrapping(settings.imageStartToken, 'image_start_token'),
    endId: wrapping(settings.imageEndToken, 'image_end_token'),
  };
}
