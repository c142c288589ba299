import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DataError } from '../core/errors.js';
import type { JsonStreamOptions } from '../core/json/json-stream.js';
import { isPlainObject, readValidatedJson, withFastCheck } from '../core/validation.js';
import { readOfficialResultsBytes } from './official-results-bytes.js';
import { PredictionTable } from './prediction-table.js';
import { readSampleRecords } from './samples-log.js';

// The official/EvalAI results format is `[{question_id, answer}]`; VizWiz's submission names the
// question by its image file. Both are accepted, as is one object mapping each id to its answer
// (MMMU's main_eval_only.py input, MM-Vet's results file) and an emu-eval samples.jsonl.
const officialEntry = z.union([
  z.strictObject({ question_id: z.union([z.number().int(), z.string().min(1)]), answer: z.string() }),
  z.strictObject({ image: z.string().min(1), answer: z.string() }),
]);
const officialResults = withFastCheck(z.array(officialEntry), (value) => Array.isArray(value) && value.every(isOfficialEntry));
const answersById = z.record(z.string().min(1), z.string());

function isOfficialEntry(value: unknown): boolean {
  if (!isPlainObject(value) || ownKeyCount(value) !== 2 || typeof value.answer !== 'string') return false;
  const id = value.question_id ?? value.image;
  if (typeof id === 'string') return id.length > 0;
  return 'question_id' in value && Number.isSafeInteger(id);
}

/** Object.keys(value).length without the array (once per prediction: 214,354 for VQAv2 val). */
function ownKeyCount(value: object): number {
  let count = 0;
  for (const key in value) if (Object.hasOwn(value, key)) count++;
  return count;
}

type OfficialEntry = z.infer<typeof officialEntry>;

/** The entry's id: a number stays a number (the table keys it as String(number) would be). */
function entryId(entry: OfficialEntry): string | number {
  return 'question_id' in entry ? entry.question_id : entry.image;
}

/** The file's first bytes: they tell the {id: answer} form (`{`) and a byte-order mark apart. */
function headOf(file: string): Buffer {
  const descriptor = openSync(file, 'r');
  try {
    const head = Buffer.alloc(256);
    return head.subarray(0, readSync(descriptor, head, 0, head.length, 0));
  } finally {
    closeSync(descriptor);
  }
}

function holdsObject(head: Buffer): boolean {
  return head.toString('utf8').replace(/^\uFEFF/, '').trimStart().startsWith('{');
}

/** A byte-order mark's first byte: the streaming reader skips the mark, JSON.parse refuses it. */
const BYTE_ORDER_MARK_START = 0xef;

export interface Predictions {
  /** sample id → answer text */
  answers: PredictionTable;
  format: 'official' | 'samples-jsonl';
}

/**
 * The official results array, read element by element from the bytes (VQAv2 val: 214,354 entries in
 * 9.5 MB, without the whole file as one string or all its objects alive at once). Undefined on any
 * problem — malformed JSON, an entry the fast check refuses, a repeated id, a byte-order mark (which the
 * streaming reader skips but JSON.parse refuses) — so that the whole-file path reads the file again and
 * throws the error it always threw.
 */
async function streamOfficialResults(file: string, options: JsonStreamOptions): Promise<PredictionTable | undefined> {
  const answers = new PredictionTable();
  try {
    // The streaming JSON reader is loaded only for files the plain-bytes reader leaves to it.
    const { streamJsonFileBatches } = await import('../core/json/json-stream.js');
    for await (const batch of streamJsonFileBatches(file, { kind: 'array' }, options)) {
      for (const { value } of batch) {
        if (!isOfficialEntry(value)) return undefined;
        const entry = value as OfficialEntry;
        if (!answers.add(entryId(entry), entry.answer)) return undefined;
      }
    }
  } catch {
    return undefined;
  }
  return answers;
}

function rememberOnce(answers: PredictionTable, id: string | number, answer: string, file: string, where: string): void {
  if (!answers.add(id, answer)) throw new DataError(`${file}: ${where}: question ${id} appears twice; a predictions file must hold one answer per question`, file, where);
}

/** How readPredictions reads an official results array (tests use tiny chunks, or skip the plain-bytes reader). */
export interface PredictionReadOptions extends JsonStreamOptions {
  /** Read the plain official form straight from the bytes first (official-results-bytes.ts); default true. */
  plainBytes?: boolean;
}

/** Above this a results file is streamed rather than read whole for the plain-bytes reader. */
const PLAIN_BYTES_MAX = 256 << 20;

/**
 * Reads predictions to re-score or replay. From a samples.jsonl the raw model output is taken, so the
 * extraction strategy of the new run applies; `task` picks one task's lines from a multi-task run.
 * `options` sets how the official results array is streamed (tests use tiny chunks).
 */
export async function readPredictions(file: string, task?: string, options: PredictionReadOptions = {}): Promise<Predictions> {
  const answers = new PredictionTable();
  if (file.endsWith('.jsonl')) {
    let line = 0;
    for await (const record of readSampleRecords(file)) {
      line += 1;
      if (task && record.task !== task) continue;
      if (record.finishReason === 'error') continue;
      rememberOnce(answers, record.sampleId, record.output, file, `line ${line}`);
    }
    return { answers, format: 'samples-jsonl' };
  }
  // An object's keys are unique once parsed (JSON.parse keeps the last of equal keys; json.dump never writes two).
  const head = existsSync(file) ? headOf(file) : undefined;
  if (head && holdsObject(head)) {
    // An object's keys are unique strings, and no two of them name the same integer: add cannot refuse one.
    for (const [id, answer] of Object.entries(readValidatedJson(answersById, file))) answers.add(id, answer);
    return { answers, format: 'official' };
  }
  const plain = head && head[0] !== BYTE_ORDER_MARK_START;
  if (plain && options.plainBytes !== false && statSync(file).size <= PLAIN_BYTES_MAX) {
    // Read asynchronously (in steps of the event loop), so that what was started beside the reading —
    // the first task's samples opening their reader thread — goes on meanwhile.
    const read = readOfficialResultsBytes(await readFile(file));
    if (read) return { answers: read, format: 'official' };
  }
  const streamed = plain ? await streamOfficialResults(file, options) : undefined;
  if (streamed) return { answers: streamed, format: 'official' };
  readValidatedJson(officialResults, file).forEach((entry, index) => rememberOnce(answers, entryId(entry), entry.answer, file, `[${index}]`));
  return { answers, format: 'official' };
}
