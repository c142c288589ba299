// The ids of Emu2's image tokens, read from the checkpoint's tokenizer files rather than assumed. Emu2's
// tokenizer is LLaMA's 32000 pieces plus special tokens added in this order (baaivision/Emu @ 13c395e,
// Emu2/emu/lm.py + constants.py): [PAD], then [IMG], [/IMG], <image>, [gIMG], [/gIMG], [EOC], [VIDEO],
// the grounding symbols and 257 <patch_index_NNNN>, then [USER], [ASSISTANT] for Emu2-Chat — so
// [IMG] = 32001, [/IMG] = 32002, <image> = 32003, [gIMG] = 32004 (the remote-code constants.py copied in
// yuangpeng/dreambench_plus hard-codes BOI = 32001, IMAGE = 32003, VIDEO = 32004).
// An image becomes `[IMG]` + `<image>` × n_query + `[/IMG]` (EmuModel.image_placeholder); the tokenizer adds
// BOS (add_bos_token true).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, DataError } from '../../../core/errors.js';
import { readTokenizerSettings } from '../tokenizer/tokenizer-settings.js';

export const EMU2_TOKENS = { imageStart: '[IMG]', imageEnd: '[/IMG]', image: '<image>', videoFrame: '[gIMG]' } as const;

export interface Emu2TokenIds {
  image: number;
  imageStart: number;
  imageEnd: number;
}

/** Looks the tokens up in tokenizer.json's added_tokens, else in tokenizer_config.json / added_tokens.json. */
export function findEmu2TokenIds(folder: string): Emu2TokenIds {
  const ids = addedTokenIds(folder);
  const id = (token: string) => {
    const found = ids.get(token);
    if (found === undefined) {
      throw new ConfigError(`${folder}: the tokenizer has no ${token} token (looked in tokenizer.json added_tokens, tokenizer_config.json added_tokens_decoder and added_tokens.json); Emu2 prompts wrap each image as [IMG] <image>… [/IMG]`);
    }
    return found;
  };
  return { image: id(EMU2_TOKENS.image), imageStart: id(EMU2_TOKENS.imageStart), imageEnd: id(EMU2_TOKENS.imageEnd) };
}

function addedTokenIds(folder: string): Map<string, number> {
  const tokenizerFile = path.join(folder, 'tokenizer.json');
  if (existsSync(tokenizerFile)) {
    let parsed: { added_tokens?: Array<{ id: number; content: string }> };
    try {
      parsed = JSON.parse(readFileSync(tokenizerFile, 'utf8'));
    } catch (error) {
      throw new DataError(`${tokenizerFile}: not valid JSON (${(error as Error).message})`, tokenizerFile);
    }
    return new Map((parsed.added_tokens ?? []).map((token) => [token.content, token.id]));
  }
  return new Map(readTokenizerSettings(folder).declaredTokens.map(({ token, id }) => [token.content, id]));
}
