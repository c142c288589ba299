import { z } from 'zod';
import { ConfigError } from './errors.js';
import { NUMBER_FLAG_TEXT } from './number-flag-text.js';

export { NUMBER_FLAG_TEXT, numberFlagTexts } from './number-flag-text.js';

// Backends check the flags they own with a zod schema over the parsed command line: yargs hands over
// NaN for `--concurrency abc` and an array for a flag given twice, and the person at the terminal
// should read which flag was wrong, not a schema path.

/** A flag holding one non-empty string (a flag given twice arrives as an array). */
export const oneValue = z.string({ error: 'takes one value' }).min(1, { error: 'takes one value' });

/** A flag holding a number (yargs turns text that is not one into NaN, which zod refuses). */
export const aNumber = z.number({ error: 'takes a number' });

/**
 * A flag counting something (batch size, tokens, beams, frames, trials, threads, requests in flight):
 * zero, a fraction or a negative number would hang a run or be silently rounded somewhere downstream.
 */
export const aCount = z
  .number({ error: 'takes a whole number greater than 0' })
  .int({ error: 'takes a whole number greater than 0' })
  .positive({ error: 'takes a whole number greater than 0' });

export const aSwitch = z.boolean({ error: 'takes no value' });

/** The schema's flags out of every parsed flag, or a usage ConfigError naming the first wrong one. */
export function parseFlags<T>(schema: z.ZodType<T>, flags: Readonly<Record<string, unknown>>): T {
  const parsed = schema.safeParse(flags);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const name = String(issue.path[0]);
  const value = flags[name];
  // yargs has turned text that is not a number into NaN; the CLI kept the text it was given, when it could.
  const text = (flags as { [NUMBER_FLAG_TEXT]?: Record<string, string> })[NUMBER_FLAG_TEXT]?.[name];
  const found = Number.isNaN(value) ? (text === undefined ? '' : `, found ${JSON.stringify(text)}`) : `, found ${JSON.stringify(value)}`;
  throw new ConfigError(`--${name} ${issue.message}${found}`, true);
}
