import { hash } from 'node:crypto';

/** One-shot hashing (crypto.hash): no Hash object per call; prompt hashes run once per sample. */
export function sha256(content: string | Uint8Array): string {
  return hash('sha256', content, 'hex');
}

/** JSON with object keys sorted, so equal values hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  // A replacer returns a lone primitive unchanged: plain JSON.stringify gives the same text.
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  return plainCanonicalJson(value) ?? canonicalJsonByReplacer(value);
}

/** The definition: JSON.stringify with every plain object rebuilt with its entries sorted. */
export function canonicalJsonByReplacer(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return inner;
  });
}

const NOT_PLAIN = Symbol('not plain data');

/**
 * The same text as canonicalJsonByReplacer, written directly for plain data (objects, arrays, strings,
 * finite numbers, booleans, null): run ids and per-sample prompt hashes call this hundreds of thousands
 * of times. Anything else — class instances, toJSON, bigint, keys that are array indices (an object
 * orders those numerically, not as sorted) — returns undefined and takes the definition's path.
 */
function plainCanonicalJson(value: object): string | undefined {
  try {
    return serialize(value);
  } catch (error) {
    if (error === NOT_PLAIN) return undefined;
    throw error;
  }
}

function serialize(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let text = '[';
        for (let index = 0; index < value.length; index++) text += `${index > 0 ? ',' : ''}${serialize(value[index]) ?? 'null'}`;
        return `${text}]`;
      }
      return serializeObject(value);
    default:
      throw NOT_PLAIN;
  }
}

function serializeObject(value: object): string {
  const prototype = Object.getPrototypeOf(value);
  if ((prototype !== Object.prototype && prototype !== null) || 'toJSON' in value) throw NOT_PLAIN;
  const keys = Object.keys(value).sort();
  let text = '{';
  let first = true;
  for (const key of keys) {
    const code = key.charCodeAt(0);
    if (code >= 0x30 && code <= 0x39) throw NOT_PLAIN; // possibly an array index
    const inner = serialize((value as Record<string, unknown>)[key]);
    if (inner === undefined) continue;
    text += `${first ? '' : ','}${JSON.stringify(key)}:${inner}`;
    first = false;
  }
  return `${text}}`;
}

export function hashOf(value: unknown, length = 64): string {
  return sha256(canonicalJson(value)).slice(0, length);
}
