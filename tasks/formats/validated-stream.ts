import type { z } from 'zod';
import { DataError } from '../../core/errors.js';
import { streamJsonFileBatches, type JsonStreamElement, type JsonStreamTarget } from '../../core/json/json-stream.js';
import { problemFromError, type ProblemSink } from './problem-sink.js';
import { validateElement } from './validate-element.js';
import { passesFastCheck } from '../../core/validation.js';

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
  for await (const batch of streamElementBatches(file, target, sink)) {
    for (const element of batch) {
      const value = validValue(schema, element, file, sink);
      if (value !== INVALID) yield { value, index: element.index, key: element.key, path: element.path };
    }
  }
}

/**
 * The elements each read chunk completes, unchecked (check each with validValue as it is taken, so
 * problems come in file order among the reader's own): a reader of 200,000 questions takes them with
 * one async step per chunk instead of one per question. Malformed JSON is reported to the sink and
 * ends the file, after the elements before it.
 */
export async function* streamElementBatches(file: string, target: JsonStreamTarget, sink: ProblemSink): AsyncGenerator<JsonStreamElement[]> {
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
      yield next.value;
    }
  } finally {
    // A consumer that stops early (a --limit) must not leave the file open.
    await batches.return(undefined);
  }
}

/** What validValue returns for an element that does not match the schema. */
export const INVALID: unique symbol = Symbol('invalid element');

/** The element's value when it matches the schema; else its problems go to the sink (in throwing mode the first throws). */
export function validValue<T>(schema: z.ZodType<T>, element: JsonStreamElement, file: string, sink: ProblemSink): T | typeof INVALID {
  // The fast check first: the element's path is made only for an element with problems.
  if (passesFastCheck(schema, element.value)) return element.value as T;
  const checked = validateElement(schema, element.value, file, element.path);
  if (checked.ok) return checked.value;
  sink.reportAll(checked.problems);
  return INVALID;
}
