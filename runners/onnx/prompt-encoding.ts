// Part[] → token ids. Text parts are concatenated as written, each image (or video frame) becomes the
// model's image placeholder text, and the result is tokenized:
//  - request.system set (chat models such as Emu2-Chat): rendered through the chat template as a
//    system message plus one user message, ending with the generation prompt; tokenized without
//    adding special tokens, since the template writes them (Hugging Face's apply_chat_template).
//  - otherwise (base models such as Emu2): the plain concatenation, tokenized with the tokenizer's
//    special tokens (LLaMA's BOS).
// Each placeholder id is then expanded to the image's visual tokens, wrapped as Emu2 wraps them:
// [IMG] <image>×64 [/IMG].
import type { MediaRef } from '../../core/contracts/task.js';
import type { Request } from '../../core/contracts/runner.js';
import type { ChatTemplate } from './chat-template.js';
import type { ImageTokens, TextTokenizer } from './tokenizer.js';

export interface EncodedPrompt {
  inputIds: number[];
  images: MediaRef[];
}

export class PromptEncodingError extends Error {
  override name = 'PromptEncodingError';
}

export interface PromptEncoderOptions {
  tokenizer: TextTokenizer;
  imageTokens: ImageTokens;
  tokensPerImage: number;
  chatTemplate?: ChatTemplate;
  /** Prompts this long or longer cannot be decoded (max_position_embeddings). */
  maxPositions?: number;
  /**
   * Tokenize the text between image placeholders one segment at a time, special tokens (BOS) with the
   * first only, as CogVLM's build_conversation_input_ids does ([BOS] + image + encode(text)): a
   * Metaspace tokenizer would otherwise not give the text after an image its leading ▁.
   */
  tokenizeTextBetweenImages?: boolean;
}

export class PromptEncoder {
  constructor(private readonly options: PromptEncoderOptions) {}

  /** The prompt text before tokenization, with one placeholder per image. */
  render(request: Request): { text: string; images: MediaRef[]; addSpecialTokens: boolean } {
    const { placeholder } = this.options.imageTokens;
    const images: MediaRef[] = [];
    let text = '';
    for (const part of request.parts) {
      if (part.type === 'text') {
        text += part.text;
      } else if (part.type === 'image') {
        text += placeholder;
        images.push(part.source);
      } else {
        for (const frame of part.frames) {
          text += placeholder;
          images.push(frame);
        }
      }
    }
    if (request.system === undefined) return { text, images, addSpecialTokens: true };
    const template = this.options.chatTemplate;
    if (!template) {
      // No template to honour: the system text goes first, as Emu2-Chat's prompt would put it.
      return { text: request.system ? `${request.system} ${text}` : text, images, addSpecialTokens: true };
    }
    const messages = [
      ...(request.system ? [{ role: 'system' as const, content: request.system }] : []),
      { role: 'user' as const, content: text },
    ];
    return { text: template.render(messages, true), images, addSpecialTokens: false };
  }

  /** Tokens the prompt occupies once images are expanded, whether or not it fits the context. */
  countTokens(request: Request): number {
    return this.expand(request).inputIds.length;
  }

  encode(request: Request): EncodedPrompt {
    const { maxPositions } = this.options;
    const encoded = this.expand(request);
    if (maxPositions !== undefined && encoded.inputIds.length >= maxPositions) {
      throw new PromptEncodingError(`the prompt is ${encoded.inputIds.length} tokens, but the model's max_position_embeddings is ${maxPositions}`);
    }
    return encoded;
  }

  private expand(request: Request): EncodedPrompt {
    const { tokenizer, imageTokens, tokensPerImage } = this.options;
    const rendered = this.render(request);
    const ids = this.options.tokenizeTextBetweenImages ? this.encodeSegments(rendered.text, rendered.addSpecialTokens) : tokenizer.encode(rendered.text, rendered.addSpecialTokens);
    const placeholders = ids.filter((id) => id === imageTokens.placeholderId).length;
    if (placeholders !== rendered.images.length) {
      throw new PromptEncodingError(
        `the prompt has ${rendered.images.length} image(s) but ${placeholders} ${imageTokens.placeholder} token(s) after tokenization` +
          ` (does the text itself contain ${JSON.stringify(imageTokens.placeholder)}?)`,
      );
    }
    const inputIds: number[] = [];
    for (const id of ids) {
      if (id !== imageTokens.placeholderId) {
        inputIds.push(id);
        continue;
      }
      if (imageTokens.startId !== undefined) inputIds.push(imageTokens.startId);
      for (let index = 0; index < tokensPerImage; index++) inputIds.push(id);
      if (imageTokens.endId !== undefined) inputIds.push(imageTokens.endId);
    }
    return { inputIds, images: rendered.images };
  }

  private encodeSegments(text: string, addSpecialTokens: boolean): number[] {
    const { tokenizer, imageTokens } = this.options;
    const ids: number[] = [];
    text.split(imageTokens.placeholder).forEach((segment, index) => {
      if (index > 0) ids.push(imageTokens.placeholderId);
      const first = index === 0 && addSpecialTokens;
      // An empty segment still yields BOS when it is the first; otherwise it adds nothing.
      if (segment.length > 0 || first) ids.push(...tokenizer.encode(segment, first));
    });
    return ids;
  }
}
