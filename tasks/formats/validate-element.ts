import type { z } from 'zod';
import type { DataProblem } from '../../core/contracts/task.js';
import { describeFound, describeJsonPath, valueAtPath } from '../../core/json/json-path.js';
import { passesFastCheck } from '../../core/validation.js';

export type ElementCheck<T> = { ok: true; value: T } | { ok: false; problems: DataProblem[] };

/** Validates one streamed element and turns each zod issue into "file: path: expected X, found Y". */
export function validateElement<T>(schema: z.ZodType<T>, value: unknown, file: string, elementPath: string): ElementCheck<T> {
  if (passesFastCheck(schema, value)) return { ok: true, value: value as T };
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const problems: DataProblem[] = [];
  // A value of the wrong type gets one complaint: zod also runs the length check of `answers` on a
  // string, which would add "expected exactly 10 characters" to "expected array".
  const wrongType = result.error.issues.filter((issue) => issue.code === 'invalid_type').map((issue) => issue.path.join('\u0000'));
  for (const issue of result.error.issues) {
    if (issue.code !== 'invalid_type' && wrongType.includes(issue.path.join('\u0000'))) continue;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = describeJsonPath([...issue.path, key], elementPath);
        problems.push({ file, field, message: `unexpected field (not part of the format), found ${describeFound(valueAtPath(value, [...issue.path, key]))}` });
      }
      continue;
    }
    const field = describeJsonPath(issue.path, elementPath);
    const foundValue = valueAtPath(value, issue.path);
    const found = describeFound(foundValue);
    problems.push({ file, field, message: `${describeExpectation(issue, foundValue)}, found ${found}${numberHint(foundValue)}` });
  }
  return { ok: false, problems };
}

/** JSON numbers a double cannot hold: 1e400 parses to Infinity, 9007199254740993 to ...992. */
function numberHint(value: unknown): string {
  if (typeof value !== 'number') return '';
  if (!Number.isFinite(value)) return ' (the number in the file is too large for a double)';
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) return ' (beyond 2^53: the number in the file may have been rounded when read)';
  return '';
}

function describeExpectation(issue: z.core.$ZodIssue, found: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (typeof found === 'number' && !Number.isFinite(found)) return `expected a finite ${issue.expected === 'int' ? 'integer' : 'number'}`;
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
