// The edge where a server's prompt log-probabilities enter the harness. vLLM answers a chat completion
// asked for `prompt_logprobs` with one entry per prompt token: null for the first (nothing predicts
// it), else an object keyed by token id, {"<id>": {"logprob", "rank", "decoded_token"}}, holding the
// prompt's own token (and, when more were asked for, the most likely others). The continuation is the
// prompt's tail: the fewest trailing tokens whose decoded text covers it. A token that straddles the
// boundary (the space before "yes" in " yes") counts whole, as lm-evaluation-harness counts it when it
// splits a joint encoding. A server that returns no prompt log-probabilities (SGLang, LMDeploy, TGI,
// OpenAI itself on /chat/completions) gets a clear error instead of a made-up score.
import { z } from 'zod';
import { formatPath } from '../../core/validation.js';
import { AttemptError } from './attempt-error.js';

const entrySchema = z.looseObject({ logprob: z.number(), decoded_token: z.string().nullable().optional() });

const responseSchema = z.looseObject({
  prompt_logprobs: z.array(z.record(z.string(), entrySchema).nullable()).nullable().optional(),
  prompt_token_ids: z.array(z.number().int()).nullable().optional(),
});

export interface ScoredContinuation {
  logprob: number;
  tokens: number;
}

export const NO_PROMPT_LOGPROBS =
  'the server returned no prompt_logprobs: scoring continuations (the loglik request kind) needs a server that returns the log-probabilities of prompt tokens on /chat/completions, as vLLM does';

export function parsePromptLogprobs(body: string, origin: string, continuation: string): ScoredContinuation {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new AttemptError(`${origin} returned malformed JSON (${(error as Error).message})`, 'bad-response');
  }
  const parsed = responseSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AttemptError(`${origin}: server response ${formatPath(issue.path)}: ${issue.message}`, 'bad-response');
  }
  const entries = parsed.data.prompt_logprobs;
  // Every request would be answered the same way: the run stops with this message.
  if (!entries || entries.length === 0) throw new AttemptError(`${origin}: ${NO_PROMPT_LOGPROBS}`, 'misconfigured');
  const ids = parsed.data.prompt_token_ids ?? undefined;
  let text = '';
  let sum = 0;
  for (let position = entries.length - 1; position >= 0; position--) {
    const entry = entries[position];
    if (!entry) break;
    const token = promptToken(entry, ids?.[position], origin, position);
    if (typeof token.decoded_token !== 'string') throw new AttemptError(`${origin}: server response prompt_logprobs[${position}] has no decoded_token, so the continuation's tokens cannot be found`, 'bad-response');
    text = token.decoded_token + text;
    sum += token.logprob;
    if (text.length >= continuation.length) {
      if (!text.endsWith(continuation)) break;
      return { logprob: sum, tokens: entries.length - position };
    }
  }
  throw new AttemptError(
    `${origin}: the prompt does not end with the continuation ${JSON.stringify(continuation)} (its last tokens read ${JSON.stringify(text.slice(-80))}): does the server honour continue_final_message?`,
    'rejected',
  );
}

function promptToken(entry: Record<string, z.infer<typeof entrySchema>>, id: number | undefined, origin: string, position: number): z.infer<typeof entrySchema> {
  if (id !== undefined) {
    const token = entry[String(id)];
    if (!token) throw new AttemptError(`${origin}: server response prompt_logprobs[${position}] lacks the prompt's token ${id}`, 'bad-response');
    return token;
  }
  const tokens = Object.values(entry);
  if (tokens.length !== 1) {
    throw new AttemptError(`${origin}: server response prompt_logprobs[${position}] holds ${tokens.length} tokens and no prompt_token_ids say which is the prompt's`, 'bad-response');
  }
  return tokens[0]!;
}
