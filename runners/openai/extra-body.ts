// `--extra-body JSON`: server-specific request fields (vLLM's use_beam_search / best_of / top_k,
// SGLang's regex, repetition_penalty ...) merged into every request body.
import { ConfigError } from '../../core/errors.js';

/** Fields the runner owns: overriding them would break the request or the reading of the response. */
const RESERVED = ['model', 'messages', 'stream', 'stream_options'];

export function parseExtraBody(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`--extra-body: not valid JSON (${(error as Error).message}); e.g. --extra-body '{"use_beam_search": true, "best_of": 5}'`, true);
  }
  return validateExtraBody(value);
}

export function validateExtraBody(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`--extra-body: expected a JSON object of request fields, found ${JSON.stringify(value)}`, true);
  }
  const reserved = Object.keys(value).filter((key) => RESERVED.includes(key));
  if (reserved.length > 0) throw new ConfigError(`--extra-body: ${reserved.join(', ')} cannot be overridden (the runner sets ${RESERVED.join(', ')})`, true);
  return value as Record<string, unknown>;
}

/**
 * Whether the same request always gets the same answer: greedy decoding unless the extra fields turn
 * sampling on. Only then may a response be cached and reused.
 */
export function isDeterministic(extraBody: Record<string, unknown>): boolean {
  const temperature = extraBody.temperature;
  if (temperature !== undefined && temperature !== 0) return false;
  if (extraBody.do_sample === true) return false;
  return true;
}

/** Whether the extra fields switch on the server's own beam search (vLLM's legacy sampling parameter). */
export function requestsBeamSearch(extraBody: Record<string, unknown>): boolean {
  return extraBody.use_beam_search === true || (typeof extraBody.best_of === 'number' && extraBody.best_of > 1);
}
