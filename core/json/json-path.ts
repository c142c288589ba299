// Error messages point into dataset files with the same path a user would type in jq or JavaScript:
// `annotations[12].answers[3].answer`, `[5].image`, `201307251.imageId`.

const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

export function describeJsonPath(segments: ReadonlyArray<PropertyKey>, base = ''): string {
  let path = base;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else {
      const key = String(segment);
      if (PLAIN_KEY.test(key)) path += path === '' ? key : `.${key}`;
      else path += `[${JSON.stringify(key)}]`;
    }
  }
  return path;
}

/** A short description of what a file holds at some path, for "expected X, found Y" messages. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

export function valueAtPath(root: unknown, segments: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = root;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}
