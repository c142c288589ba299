// The edge where a server's answer enters the harness: a 200 body is validated as a chat completion,
// and anything else is named precisely (malformed JSON, no choices, no message content) so an error
// sample says what the server did wrong.
import { z } from 'zod';
import { formatPath } from '../../core/validation.js';
import type { Output } from '../../core/contracts/runner.js';
import { AttemptError } from './attempt-error.js';

// Loose objects: servers add fields of their own (vLLM's stop_reason, SGLang's matched_stop ...).
const chatCompletionSchema = z.looseObject({
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({ content: z.string().nullable().optional() }),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .min(1, 'server returned no choices'),
  usage: z.looseObject({ completion_tokens: z.number().int().nonnegative().optional() }).nullable().optional(),
});

export type ChatResult = Pick<Output, 'text' | 'finishReason' | 'tokens'>;

export function parseChatCompletion(body: string, origin: string): ChatResult {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new AttemptError(`${origin} returned malformed JSON (${(error as Error).message}): ${preview(body)}`, 'bad-response');
  }
  const result = chatCompletionSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const message = issue.message === 'server returned no choices' ? issue.message : `server response ${formatPath(issue.path)}: ${issue.message}`;
    throw new AttemptError(`${origin}: ${message}: ${preview(body)}`, 'bad-response');
  }
  const choice = result.data.choices[0]!;
  const content = choice.message.content;
  if (typeof content !== 'string') throw new AttemptError(`${origin}: server returned a choice without message content: ${preview(body)}`, 'bad-response');
  const tokens = result.data.usage?.completion_tokens;
  return {
    text: content,
    finishReason: choice.finish_reason === 'length' ? 'length' : 'stop',
    ...(tokens !== undefined ? { tokens } : {}),
  };
}

function preview(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty body)';
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
}
