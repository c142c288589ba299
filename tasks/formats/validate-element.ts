import type { z } from 'zod';
import type { DataProblem } from '../types.js';
import { describeFound, describeJsonPath, valueAtPath } from './json-path.js';

export type ElementCheck<T> = { ok: true; value: T } | { ok: false; problems: DataProblem[] };

/** Validates one streamed element and turns each zod issue into "file: path: expected X, found Y". */
export function validateElement<T>(schema: z.ZodType<T>, value: unknown, file: string, elementPath: string): ElementCheck<T> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const problems: DataProblem[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = describeJsonPath([...issue.path, key], elementPath);
        problems.push({ file, field, message: `unexpected field (not part of the format), found ${describeFound(valueAtPath(value, [...issue.path, key]))}` });
      }
      continue;
    }
    const field = describeJsonPath(issue.path, elementPath);
    const found = describeFound(valueAtPath(value, issue.path));
    problems.push({ file, field, message: `${describeExpectation(issue)}, found ${found}` });
  }
  return { ok: false, problems };
}

function describeExpectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected === 'int' ? 'an integer' : issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const relation = issue.exact ? 'exactly' : issue.code === 'too_small' ? 'at least' : 'at most';
      if (issue.origin === 'array') return `expected ${relation} ${bound} items`;
      if (issue.origin === 'string') return `expected ${relation} ${bound} characters`;
      return `expected a value ${issue.code === 'too_small' ? '>=' : '<='} ${bound}`;
    }
    default:
      return `expected ${issue.message.replace(/^Invalid input: /, '')}`;
  }
}
