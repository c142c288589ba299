// MMMU stores a question's options as the text of a Python list of strings ("['1/8', \"it's\"]"), which
// the official code reads with eval() and lmms-eval with ast.literal_eval. This reads exactly that
// literal — a list of single- or double-quoted strings with Python's escapes — and nothing else,
// saying where it stopped understanding.

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };

export type PythonListParse = { ok: true; items: string[] } | { ok: false; reason: string };

export function parsePythonStringList(text: string): PythonListParse {
  let position = 0;
  const fail = (what: string): PythonListParse => ({ ok: false, reason: `${what} at character ${position} of ${JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text)}` });
  const skipSpace = () => {
    while (position < text.length && ' \t\n\r'.includes(text[position]!)) position++;
  };
  skipSpace();
  if (text[position] !== '[') return fail('expected "["');
  position++;
  const items: string[] = [];
  skipSpace();
  if (text[position] === ']') {
    position++;
  } else {
    for (;;) {
      skipSpace();
      const quote = text[position];
      if (quote !== "'" && quote !== '"') return fail('expected a quoted string');
      position++;
      let value = '';
      for (;;) {
        if (position >= text.length) return fail('unterminated string');
        const character = text[position]!;
        if (character === quote) {
          position++;
          break;
        }
        if (character === '\n') return fail('line break inside a string');
        if (character !== '\\') {
          value += character;
          position++;
          continue;
        }
        const escape = text[position + 1];
        if (escape === undefined) return fail('unterminated string');
        if (Object.hasOwn(SIMPLE_ESCAPES, escape)) {
          value += SIMPLE_ESCAPES[escape];
          position += 2;
        } else if (escape === 'x' || escape === 'u' || escape === 'U') {
          const length = escape === 'x' ? 2 : escape === 'u' ? 4 : 8;
          const hex = text.slice(position + 2, position + 2 + length);
          if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex) || Number.parseInt(hex, 16) > 0x10ffff) return fail(`bad \\${escape} escape`);
          value += String.fromCodePoint(Number.parseInt(hex, 16));
          position += 2 + length;
        } else if (/[0-7]/.test(escape)) {
          const octal = /^[0-7]{1,3}/.exec(text.slice(position + 1))![0];
          value += String.fromCodePoint(Number.parseInt(octal, 8));
          position += 1 + octal.length;
        } else {
          // Python keeps an unknown escape as written (with a warning): "\d" stays backslash-d.
          value += `\\${escape}`;
          position += 2;
        }
      }
      items.push(value);
      skipSpace();
      if (text[position] === ',') {
        position++;
        skipSpace();
        if (text[position] === ']') {
          position++;
          break;
        }
        continue;
      }
      if (text[position] === ']') {
        position++;
        break;
      }
      return fail('expected "," or "]"');
    }
  }
  skipSpace();
  if (position !== text.length) return fail('unexpected text after the list');
  return { ok: true, items };
}
