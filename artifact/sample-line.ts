import { jsonNumber, jsonStringBody } from '../core/json/json-text.js';
import type { SampleRecord } from './schema.js';

/** The keys of the usual record (no optional field), in samples.jsonl's order. */
const USUAL_KEYS = ['task', 'sampleId', 'shots', 'trial', 'demoIds', 'promptHash', 'output', 'finishReason', 'extracted', 'score', 'latencyMs', 'meta'] as const;


/**
 * One samples.jsonl line without its newline: exactly JSON.stringify(record). The usual record — the
 * twelve keys in order, strings, numbers, a meta of strings — is written field by field into one
 * template that holds the quotes, so a string that needs no escaping is used as it is (about 70% of
 * JSON.stringify's time, once per sample, and fewer intermediate strings than quoting each value);
 * any other record, or any value out of the usual, goes to JSON.stringify itself.
 */
export function sampleLine(record: SampleRecord): string {
  return usualLine(record) ?? JSON.stringify(record);
}

function usualLine(record: SampleRecord): string | undefined {
  let index = 0;
  // for…in visits own keys in JSON.stringify's order (the record is a plain object: checked below).
  for (const key in record) if (key !== USUAL_KEYS[index++]) return undefined;
  if (index !== USUAL_KEYS.length || Object.getPrototypeOf(record) !== Object.prototype) return undefined;
  const { task, sampleId, shots, trial, demoIds, promptHash, output, finishReason, extracted, score, latencyMs, meta } = record;
  if (
    typeof task !== 'string' ||
    typeof sampleId !== 'string' ||
    typeof shots !== 'number' ||
    typeof trial !== 'number' ||
    typeof promptHash !== 'string' ||
    typeof output !== 'string' ||
    typeof finishReason !== 'string' ||
    typeof extracted !== 'string' ||
    (score !== null && typeof score !== 'number') ||
    typeof latencyMs !== 'number'
  ) {
    return undefined;
  }
  const demoIdsText = stringArrayText(demoIds);
  const metaText = stringRecordText(meta);
  if (demoIdsText === undefined || metaText === undefined) return undefined;
  const outputBody = jsonStringBody(output);
  // A raw extraction gives the output itself.
  const extractedBody = extracted === output ? outputBody : jsonStringBody(extracted);
  return `{"task":"${jsonStringBody(task)}","sampleId":"${jsonStringBody(sampleId)}","shots":${jsonNumber(shots)},"trial":${jsonNumber(trial)},"demoIds":${demoIdsText},"promptHash":"${jsonStringBody(promptHash)}","output":"${outputBody}","finishReason":"${jsonStringBody(finishReason)}","extracted":"${extractedBody}","score":${score === null ? 'null' : jsonNumber(score)},"latencyMs":${jsonNumber(latencyMs)},"meta":{${metaText}}}`;
}

/** An array of strings (a plain array, no holes), or undefined. */
function stringArrayText(values: unknown): string | undefined {
  if (!Array.isArray(values) || Object.getPrototypeOf(values) !== Array.prototype) return undefined;
  if (values.length === 0) return '[]';
  let text = '[';
  for (let index = 0; index < values.length; index++) {
    const value: unknown = values[index];
    if (typeof value !== 'string') return undefined;
    text += index === 0 ? `"${jsonStringBody(value)}"` : `,"${jsonStringBody(value)}"`;
  }
  return `${text}]`;
}

/** The text of frozen metas, written once: the engine records equal metas as one frozen object. */
const frozenMetaTexts = new WeakMap<object, string>();

/** A plain object of strings (meta as recorded) between its braces, or undefined. */
function stringRecordText(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  // A frozen object of data properties cannot change: its text, once written, stands.
  const frozen = Object.isFrozen(value);
  if (frozen) {
    const known = frozenMetaTexts.get(value);
    if (known !== undefined) return known;
  }
  const text = objectOfStringsText(value);
  if (frozen && text !== undefined && Object.values(Object.getOwnPropertyDescriptors(value)).every((descriptor) => 'value' in descriptor)) frozenMetaTexts.set(value, text);
  return text;
}

function objectOfStringsText(value: object): string | undefined {
  let text = '';
  let first = true;
  for (const key in value) {
    const inner: unknown = (value as Record<string, unknown>)[key];
    if (typeof inner !== 'string' || !Object.hasOwn(value, key)) return undefined;
    text += first ? `"${jsonStringBody(key)}":"${jsonStringBody(inner)}"` : `,"${jsonStringBody(key)}":"${jsonStringBody(inner)}"`;
    first = false;
  }
  return text;
}
