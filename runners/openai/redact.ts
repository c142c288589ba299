// The API key travels only in the Authorization header. Anything a server sends back (an error body
// that echoes the request headers, a misbehaving proxy) passes through here before it can reach an
// error message, samples.jsonl, the cache or a log.

const REDACTED = '[redacted]';
/** Shorter pieces of a key are too likely to occur by chance in ordinary text. */
const MINIMUM_PIECE = 8;

export type Redactor = (text: string) => string;

/**
 * Removes every run of text that is a piece of a secret at least MINIMUM_PIECE characters long: a
 * gateway that echoes the key cut short ("invalid key sk-proj-abc123...") leaks its prefix otherwise.
 */
function redactPieces(text: string, secret: string): string {
  if (secret.length < MINIMUM_PIECE) return text.split(secret).join(REDACTED);
  let result = '';
  let index = 0;
  while (index < text.length) {
    let longest = 0;
    // Extend a match of the secret starting at any of its offsets; keep the longest run found here.
    for (let start = secret.indexOf(text[index]!); start >= 0 && start < secret.length; start = secret.indexOf(text[index]!, start + 1)) {
      let length = 0;
      while (start + length < secret.length && index + length < text.length && secret[start + length] === text[index + length]) length += 1;
      if (length > longest) longest = length;
    }
    if (longest >= MINIMUM_PIECE) {
      result += REDACTED;
      index += longest;
    } else {
      result += text[index];
      index += 1;
    }
  }
  return result;
}

export function createRedactor(secrets: ReadonlyArray<string | undefined>): Redactor {
  const present = secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length > 0);
  if (present.length === 0) return (text) => text;
  return (text) => present.reduce((result, secret) => redactPieces(result, secret), text);
}
