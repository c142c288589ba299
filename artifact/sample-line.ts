import { jsonNumber, jsonString } from '../core/json/json-text.js';
import type { SampleRecord } from './schema.js';

/** The keys of the usual record (no optional field), in samples.jsonl's order. */
const USUAL_KEYS = ['task', 'sampleId', 'shots', 'trial', 'demoIds', 'promptHash', 'output', 'finishReason', 'extracted', 'score', 'latencyMs', 'meta'] as const;

/** Each key's JSON once, for meta's keys (a task records a handful of them). */
const keyTexts = new Map<string, string>();
const MAX_REMEMBERED_KEYS = 1024;

function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = jsonString(key);
    if (keyTexts.size < MAX_REMEMBERED_KEYS) keyTexts.set(key, text);
  }
  return text;
}

/**
 * One samples.jsonl line without its newline: exactly JSON.stringify(record). The usual record — the
 * twelve keys in order, strings, numbers, a meta of strings — is written field by field (about a third of
 * JSON.stringify's time, once per sample); any other record, or any value out of the usual, goes to
 * JSON.stringify itself.
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
  return `{"task":${jsonString(task)},"sampleId":${jsonString(sampleId)},"shots":${jsonNumber(shots)},"trial":${jsonNumber(trial)},"demoIds":${demoIdsText},"promptHash":${jsonString(promptHash)},"output":${jsonString(output)},"finishReason":${jsonString(finishReason)},"extracted":${jsonString(extracted)},"score":${score === null ? 'null' : jsonNumber(score)},"latencyMs":${jsonNumber(latencyMs)},"meta":${metaText}}`;
}

/** An array of strings (a plain array, no holes), or undefined. */
function stringArrayText(values: unknown): string | undefined {
  if (!Array.isArray(values) || Object.getPrototypeOf(values) !== Array.prototype) return undefined;
  if (values.length === 0) return '[]';
  let text = '[';
  for (let index = 0; index < values.length; index++) {
    const value: unknown = values[index];
    if (typeof value !== 'string') return undefined;
    text += index === 0 ? jsonString(value) : `,${jsonString(value)}`;
  }
  return `${text}]`;
}

/** A plain object of strings (meta as recorded), or undefined. */
function stringRecordText(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  let text = '{';
  for (const key in value) {
    const inner: unknown = (value as Record<string, unknown>)[key];
    if (typeof inner !== 'string' || !Object.hasOwn(value, key)) return undefined;
    text += text === '{' ? `${keyText(key)}:${jsonString(inner)}` : `,${keyText(key)}:${jsonString(inner)}`;
  }
  return `${text}}`;
}
