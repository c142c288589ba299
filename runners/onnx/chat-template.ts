// Chat templates (Jinja, from tokenizer_config.json / chat_template.json) rendered by @huggingface/jinja,
// with the variables Hugging Face's `apply_chat_template` provides.
//
// Two message shapes exist on the Hub. Text-model templates (and Emu2-Chat's) concatenate
// `message['content']` as a string. Vision-language processor templates (llava-hf, Qwen2-VL, Idefics3)
// iterate over it as a list of parts, `[{type: 'image'}, {type: 'text', text: '…'}]`, and fail on a
// string (`selectattr` on a string). Which shape a template wants is read from its syntax tree.
import { Template } from '@huggingface/jinja';
import { ConfigError } from '../../core/errors.js';

export type ContentPart = { type: 'text'; text: string } | { type: 'image' };

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ContentPart[];
}

export type ContentFormat = 'string' | 'parts';

export class ChatTemplate {
  private readonly template: Template;
  private readonly specialTokens: Record<string, string>;
  /** Whether the template iterates over message content (Hugging Face processor templates) or prints it. */
  readonly contentFormat: ContentFormat;

  constructor(source: string, tokenizerConfig: Record<string, unknown>) {
    try {
      this.template = new Template(source);
    } catch (error) {
      throw new ConfigError(`tokenizer_config.json: chat_template does not parse as Jinja: ${(error as Error).message}`);
    }
    this.contentFormat = iteratesOverContent(this.template.parsed) ? 'parts' : 'string';
    this.specialTokens = {};
    for (const key of ['bos_token', 'eos_token', 'unk_token', 'pad_token']) {
      const text = tokenText(tokenizerConfig[key]);
      if (text !== undefined) this.specialTokens[key] = text;
    }
  }

  get bosToken(): string | undefined {
    return this.specialTokens.bos_token;
  }

  /** With `addGenerationPrompt`, the text ends where the assistant's answer begins. */
  render(messages: ChatMessage[], addGenerationPrompt = true): string {
    return this.template.render({ messages, add_generation_prompt: addGenerationPrompt, ...this.specialTokens });
  }
}

/**
 * True when some `{% for … in X %}` loops over message content: X (under any filters, e.g.
 * `message['content'] | selectattr('type', 'equalto', 'image')`) is `….content` / `…['content']`, or a
 * variable named `content` (Qwen3-VL's `render_content(content)` macro). vLLM detects the format the same way.
 */
function iteratesOverContent(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(iteratesOverContent);
  if (typeof node !== 'object' || node === null) return false;
  const record = node as Record<string, unknown>;
  if (record.type === 'For' && isContent(record.iterable)) return true;
  return Object.values(record).some((value) => typeof value === 'object' && value !== null && iteratesOverContent(value));
}

function isContent(expression: unknown): boolean {
  if (typeof expression !== 'object' || expression === null) return false;
  const node = expression as { type?: string; operand?: unknown; lhs?: unknown; property?: { type?: string; value?: unknown }; value?: unknown };
  if (node.type === 'FilterExpression') return isContent(node.operand);
  if (node.type === 'SelectExpression') return isContent(node.lhs);
  if (node.type === 'Identifier') return node.value === 'content';
  if (node.type === 'MemberExpression') {
    const property = node.property;
    return (property?.type === 'StringLiteral' || property?.type === 'Identifier') && property.value === 'content';
  }
  return false;
}

/** Special tokens are plain strings in new configs and `{content: ...}` objects in older ones. */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}
