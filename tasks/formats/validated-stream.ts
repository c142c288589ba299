import type { z } from 'zod';
import { DataError } from '../../core/errors.js';
import { streamJsonFileBatches, type JsonStreamElement, type JsonStreamTarget } from './json-stream.js';
import { problemFromError, type ProblemSink } from './problem-sink.js';
import { validateElement } from './validate-element.js';

export interface ValidatedElement<T> {
  value: T;
  index: number;
  key?: string;
  path: string;
}

/**
 * Streams a file's elements and yields only those matching the schema; the others are reported to
 * the sink. Malformed JSON ends the file: past a syntax error the structure can't be trusted.
 */
export async function* streamValidated<T>(file: string, target: JsonStreamTarget, schema: z.ZodType<T>, sink: ProblemSink): AsyncGenerator<ValidatedElement<T>> {
  const batches = streamJsonFileBatches(file, target);
  try {
    while (true) {
      let next: IteratorResult<JsonStreamElement[]>;
      try {
        next = await batches.next();
      } catch (error) {
        if (!(error instanceof DataError)) throw error;
        sink.report(problemFromError(error, file));
        return;
      }
      if (next.done) return;
      for (const element of next.value) {
        const checked = validateElement(schema, element.value, file, element.path);
        if (!checked.ok) {
          sink.reportAll(checked.problems);
          continue;
        }
        yield { value: checked.value, index: element.index, key: element.key, path: element.path };
      }
    }
  } finally {
    // A consumer that stops early (a --limit) must not leave the file open.
    await batches.return(undefined);
  }
}
