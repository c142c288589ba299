import { StringDecoder } from 'node:string_decoder';
import { DataError } from '../../core/errors.js';
import { parseFileChunks } from '../../core/json/file-chunks.js';

// Tab-separated files as pandas writes and reads them (DataFrame.to_csv(sep='\t') / read_csv(sep='\t'),
// how VLMEvalKit distributes MMBench): a field that starts with `"` is quoted and may hold tabs, newlines
// and `""` for a quote; anywhere else a quote is an ordinary character. Blank lines are skipped.
// Streamed: memory is one record plus one read chunk, however large the base64 images in it.

export interface TsvRecord {
  /** The fields as written (quotes removed), in column order. */
  fields: string[];
  /** 1-based line where the record starts, for messages. */
  line: number;
}

const TAB = 9;
const NEWLINE = 10;
const RETURN = 13;
const QUOTE = 34;
// What ends an unquoted stretch: a tab or a line end (a quote inside a field is an ordinary character).
const UNQUOTED_SPECIAL = /[\t\n\r]/g;

class TsvScanner {
  private fields: string[] = [];
  private field = '';
  private fieldStarted = false;
  private inQuotes = false;
  private quotePending = false;
  private line = 1;
  private recordLine = 1;
  private previousWasReturn = false;

  constructor(private readonly file: string) {}

  *push(text: string): Generator<TsvRecord> {
    // `start` is where the part of the current field not yet copied into `this.field` begins. Runs of
    // ordinary characters (base64 images are most of the file) are skipped with indexOf / a regex.
    let start = 0;
    let position = 0;
    while (position < text.length) {
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          start = position;
          // `""` inside quotes is one quote: the second is kept as the start of what follows.
          if (text.charCodeAt(position) === QUOTE) {
            position++;
            continue;
          }
          // A lone quote closed the field; this character is read as unquoted.
          this.inQuotes = false;
          continue;
        }
        const quote = text.indexOf('"', position);
        const stop = quote === -1 ? text.length : quote;
        for (let newline = text.indexOf('\n', position); newline !== -1 && newline < stop; newline = text.indexOf('\n', newline + 1)) this.line++;
        this.previousWasReturn = false;
        if (quote === -1) {
          position = text.length;
          break;
        }
        this.field += text.slice(start, quote);
        this.quotePending = true;
        position = quote + 1;
        continue;
      }
      if (!this.fieldStarted && text.charCodeAt(position) === QUOTE) {
        this.inQuotes = true;
        this.fieldStarted = true;
        this.previousWasReturn = false;
        position++;
        start = position;
        continue;
      }
      UNQUOTED_SPECIAL.lastIndex = position;
      const special = UNQUOTED_SPECIAL.exec(text)?.index ?? text.length;
      if (special > position) {
        this.fieldStarted = true;
        this.previousWasReturn = false;
      }
      if (special === text.length) {
        position = text.length;
        break;
      }
      const code = text.charCodeAt(special);
      this.field += text.slice(start, special);
      position = special + 1;
      start = position;
      if (code === TAB) {
        this.previousWasReturn = false;
        this.endField();
        continue;
      }
      // A newline right after a return ends nothing: \r\n is one line end.
      if (code === NEWLINE && this.previousWasReturn) {
        this.previousWasReturn = false;
        continue;
      }
      this.previousWasReturn = code === RETURN;
      const record = this.endRecord();
      this.line++;
      this.recordLine = this.line;
      if (record) yield record;
    }
    // A quote still pending was the chunk's last character, already cut off.
    if (!this.quotePending) this.field += text.slice(start);
  }

  *end(): Generator<TsvRecord> {
    if (this.inQuotes && !this.quotePending) {
      throw new DataError(`${this.file}: line ${this.recordLine}: a quoted field is not closed before the end of the file`, this.file, `line ${this.recordLine}`);
    }
    const record = this.endRecord();
    if (record) yield record;
  }

  private endField(): void {
    this.fields.push(this.field);
    this.field = '';
    this.fieldStarted = false;
    this.inQuotes = false;
    this.quotePending = false;
  }

  private endRecord(): TsvRecord | undefined {
    const blank = this.fields.length === 0 && this.field === '' && !this.fieldStarted;
    this.endField();
    const fields = this.fields;
    this.fields = [];
    return blank ? undefined : { fields, line: this.recordLine };
  }
}

export async function* streamTsvChunks(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, file: string): AsyncGenerator<TsvRecord> {
  const scanner = new TsvScanner(file);
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) yield* scanner.push(decoder.write(chunk));
  yield* scanner.push(decoder.end());
  yield* scanner.end();
}

export function streamTsvFile(file: string, options: { chunkSize?: number } = {}): AsyncGenerator<TsvRecord> {
  return parseFileChunks(file, 'a TSV file', options.chunkSize, (chunks) => streamTsvChunks(chunks, file));
}
