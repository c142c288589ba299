// The command line's own text of number flags, kept for usage errors. Apart from core/flags.ts so the
// CLI's start (which records it for every command) does not load zod.

/**
 * Where the command line's own text of number flags that yargs turned into NaN is kept on the parsed
 * flags (`{ 'batch-size': 'eight' }`), so the error can quote it. A symbol key: schemas ignore it and
 * object spreads (`{ ...argv, protocol }`) carry it along.
 */
export const NUMBER_FLAG_TEXT = Symbol('emu-eval number flag text');

/** The text given for each flag whose parsed value is NaN, from the raw words (`--name text` or `--name=text`; the last one wins). */
export function numberFlagTexts(parsed: Readonly<Record<string, unknown>>, words: readonly string[]): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!Number.isNaN(value) || typeof value !== 'number') continue;
    for (let at = 0; at < words.length; at += 1) {
      const word = words[at]!;
      if (word === `--${name}` && at + 1 < words.length) texts[name] = words[at + 1]!;
      else if (word.startsWith(`--${name}=`)) texts[name] = word.slice(name.length + 3);
    }
  }
  return texts;
}
