import { closeSync, createReadStream, existsSync, ftruncateSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { writeFileAtomic } from '../core/atomic-file.js';
import { DataError } from '../core/errors.js';
import { decodeUtf8, parseOrThrow } from '../core/validation.js';
import { sampleLine } from './sample-line.js';
import { sampleRecordSchema, type SampleRecord } from './schema.js';

/** Identity of one scored item: the same sample may be evaluated at several shot counts and trials. */
export function sampleKey(record: Pick<SampleRecord, 'task' | 'sampleId' | 'shots' | 'trial'>): string {
  return `${record.task}\u0000${record.shots}\u0000${record.trial}\u0000${record.sampleId}`;
}

/**
 * A process killed mid-write can leave a last line without its newline. That fragment is not a
 * finished sample: cut it off so the resumed run writes the sample again, once.
 */
export function truncateTornTail(file: string): number {
  if (!existsSync(file)) return 0;
  const size = statSync(file).size;
  if (size === 0) return 0;
  const descriptor = openSync(file, 'r+');
  try {
    const chunk = Buffer.alloc(Math.min(size, 1 << 16));
    let end = size;
    // Walk back to the last newline; everything after it is the torn fragment.
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const length = end - start;
      readSync(descriptor, chunk, 0, length, start);
      const newline = chunk.subarray(0, length).lastIndexOf(0x0a);
      if (newline >= 0) {
        const keep = start + newline + 1;
        if (keep < size) ftruncateSync(descriptor, keep);
        return size - keep;
      }
      end = start;
    }
    ftruncateSync(descriptor, 0);
    return size;
  } finally {
    closeSync(descriptor);
  }
}

/**
 * The lines of a text file, a read chunk's worth at a time, split as readline splits them (at "\n",
 * "\r\n" and a lone "\r"). Chunks are cut after their last newline byte, which never falls inside a
 * multi-byte UTF-8 character, so each piece decodes on its own.
 */
export async function* readLineBatches(file: string): AsyncGenerator<string[]> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const last = chunk.lastIndexOf(0x0a);
    if (last < 0) {
      rest = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      continue;
    }
    // The line the previous chunk left open ends at this chunk's first newline: only it is joined,
    // the rest of the chunk is decoded where it lies (no copy of the whole chunk).
    const first = chunk.indexOf(0x0a);
    const lines = splitLines(decodeUtf8(rest.length > 0 ? Buffer.concat([rest, chunk.subarray(0, first)]) : chunk.subarray(0, first)));
    if (first < last) for (const line of splitLines(decodeUtf8(chunk.subarray(first + 1, last)))) lines.push(line);
    rest = chunk.subarray(last + 1);
    yield lines;
  }
  if (rest.length > 0) yield splitLines(decodeUtf8(rest));
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (!text.includes('\r')) return lines;
  return lines.flatMap((line) => (line.endsWith('\r') ? line.slice(0, -1) : line).split('\r'));
}

/** Streams the records of a samples.jsonl, validating each line. */
export async function* readSampleRecords(file: string): AsyncGenerator<SampleRecord> {
  let lineNumber = 0;
  for await (const lines of readLineBatches(file)) {
    for (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') continue;
      yield parseSampleLine(line, file, lineNumber);
    }
  }
}

/** One line of a samples.jsonl as a checked record; a DataError names the file and line. */
export function parseSampleLine(line: string, file: string, lineNumber: number): SampleRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new DataError(`${file}: line ${lineNumber} is not valid JSON (${(error as Error).message})`, file, `line ${lineNumber}`);
  }
  return parseOrThrow(sampleRecordSchema, value, file, `line ${lineNumber}`);
}

/**
 * Appends finished samples, one line each. Each call goes to the kernel in one write (a batch's lines
 * together: one system call per batch, not per sample), so a killed process loses at most the lines
 * being written; a torn last line is cut off by truncateTornTail on resume.
 */
export class SamplesLog {
  private descriptor: number;

  constructor(readonly file: string) {
    truncateTornTail(file);
    this.descriptor = openSync(file, 'a');
  }

  append(record: SampleRecord): void {
    this.appendAll([record]);
  }

  appendAll(records: readonly SampleRecord[]): void {
    let text = '';
    for (const record of records) text += `${sampleLine(record)}\n`;
    writeSync(this.descriptor, text);
  }

  close(): void {
    if (this.descriptor >= 0) closeSync(this.descriptor);
    this.descriptor = -1;
  }
}

/** Rewrites the log without its error samples (atomically), returning how many were dropped. */
export async function dropErrorSamples(file: string): Promise<number> {
  if (!existsSync(file)) return 0;
  truncateTornTail(file);
  const kept: string[] = [];
  let dropped = 0;
  for await (const record of readSampleRecords(file)) {
    // A failed judge call or grading is an error too: retrying it is the point of --retry-errors.
    if (record.finishReason === 'error' || (record.judge !== undefined && 'error' in record.judge) || record.grades?.some((grade) => 'error' in grade)) dropped += 1;
    else kept.push(JSON.stringify(record));
  }
  if (dropped > 0) writeFileAtomic(file, kept.map((line) => `${line}\n`).join(''));
  return dropped;
}
