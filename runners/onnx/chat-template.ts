// Chat templates (Jinja, from tokenizer_config.json) rendered by @huggingface/jinja, with the variables
// Hugging Face's `apply_chat_template` provides.
import { Template } from '@huggingface/jinja';
import { ConfigError } from '../../core/errors.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export class ChatTemplate {
  private readonly template: Template;
  private readonly specialTokens: Record<string, string>;

  constructor(source: string, tokenizerConfig: Record<string, unknown>) {
    try {
      this.template = new Template(source);
    } catch (error) {
      throw new ConfigError(`tokenizer_config.json: chat_template does not parse as Jinja: ${(error as Error).message}`);
    }
    this.specialTokens = {};
    for (const key of ['bos_token', 'eos_token', 'unk_token', 'pad_token']) {
      const text = tokenText(tokenizerConfig[key]);
      if (text !== undefined) this.specialTokens[key] = text;
    }
  }

  /** With `addGenerationPrompt`, the text ends where the assistant's answer begins. */
  render(messages: ChatMessage[], addGenerationPrompt = true): string {
    return this.template.render({ messages, add_generation_prompt: addGenerationPrompt, ...this.specialTokens });
  }
}

/** Special tokens are plain strings in new configs and `{content: ...}` objects in older ones. */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}
