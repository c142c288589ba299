// The API key travels only in the Authorization header. Anything a server sends back (an error body
// that echoes the request headers, a misbehaving proxy) passes through here before it can reach an
// error message, samples.jsonl, the cache or a log.

const REDACTED = '[redacted]';

export type Redactor = (text: string) => string;

export function createRedactor(secrets: ReadonlyArray<string | undefined>): Redactor {
  const present = secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length > 0);
  if (present.length === 0) return (text) => text;
  return (text) => {
    let result = text;
    for (const secret of present) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    return result;
  };
}
