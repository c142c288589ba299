// Part[] → token ids.
//  - no request.system (base models such as Emu2): text parts concatenated as written, each image (or
//    video frame) as the model's image placeholder text, tokenized with the tokenizer's special tokens
//    (LLaMA's BOS).
//  - request.system set (chat models): a system message plus one user message, rendered through the
//    chat template with the generation prompt. Templates that print `message['content']` (Emu2-Chat's)
//    get the concatenation above; Hugging Face processor templates (llava-hf, Qwen2-VL, Idefics3) get
//    the parts as `[{type:'image'}, {type:'text', text}]` in request order and write the placeholder
//    themselves. Special tokens follow transformers: a tokenizer's template (string content) is
//    tokenized without them (`PreTrainedTokenizerBase.apply_chat_template`); a processor's template gets
//    them unless the rendered text already starts with the BOS token
//    (`ProcessorMixin.apply_chat_template(tokenize=True)`): llava-1.5's template relies on the tokenizer
//    for `<s>`, Idefics3's writes `<|begin_of_text|>` itself, Qwen2's tokenizer adds nothing either way.
// Each placeholder id is then expanded to the image's visual tokens, wrapped as Emu2 wraps them:
// [IMG] <image>×64 [/IMG].
import type { MediaRef } from '../../core/contracts/task.js';
import type { Request } from '../../core/contracts/runner.js';
import type { ChatMessage, ChatTemplate, ContentPart } from './chat-template.js';
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
    // Adjacent text parts form one text entry: how a task splits its prompt text is not the model's
    // business, and llava-1.5's template appends a space after every text entry.
    const content: ContentPart[] = [];
    let text = '';
    const addText = (value: string) => {
      text += value;
      const last = content.at(-1);
      if (last?.type === 'text') last.text += value;
      else content.push({ type: 'text', text: value });
    };
    const addImage = (source: MediaRef) => {
      text += placeholder;
      images.push(source);
      content.push({ type: 'image' });
    };
    for (const part of request.parts) {
      if (part.type === 'text') addText(part.text);
      // Video frames go in as images: the vision encoder embeds one image per placeholder, and a
      // template's own video placeholder (Qwen2-VL's <|video_pad|>) has no encoder input here to fill it.
      else if (part.type === 'image') addImage(part.source);
      else for (const frame of part.frames) addImage(frame);
    }
    if (request.system === undefined) return { text, images, addSpecialTokens: true };
    const template = this.options.chatTemplate;
    if (!template) {
      // No template to honour: the system text goes first, as Emu2-Chat's prompt would put it.
      return { text: request.system ? `${request.system} ${text}` : text, images, addSpecialTokens: true };
    }
    const structured = template.contentFormat === 'parts';
    const messages: ChatMessage[] = [
      ...(request.system ? [{ role: 'system' as const, content: structured ? [{ type: 'text' as const, text: request.system }] : request.system }] : []),
      { role: 'user', content: structured ? content : text },
    ];
    const rendered = template.render(messages, true);
    const bos = template.bosToken;
    return { text: rendered, images, addSpecialTokens: structured && !(bos !== undefined && rendered.startsWith(bos)) };
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
          ` (does the text itself contain ${JSON.stringify(imageTokens.placeholder)}, or does the chat template write another image token` +
          ` than config.json's image_token_id?)`,
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
