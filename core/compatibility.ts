import { canonicalJson } from './hash.js';

// Whether two recorded results may be put side by side: runs for `compare`, our results against published
// rows in reports, shards for `merge`. Each use has its own rules and words; they share this mechanism: an
// ordered set of named rules, each looking at one thing that must match and saying how it differs.

/** Rule name → why `a` and `b` differ in that respect, in the caller's words; undefined when they match. */
export type CompatibilityRules<T> = Readonly<Record<string, (a: T, b: T) => string | undefined>>;

/** One reason per rule that fails, in the rules' order; empty when `a` and `b` are compatible. */
export function incompatibilityReasons<T>(rules: CompatibilityRules<T>, a: T, b: T): string[] {
  return Object.values(rules).flatMap((rule) => {
    const reason = rule(a, b);
    return reason === undefined ? [] : [reason];
  });
}

/** The same rules less the named ones, for a use that tolerates (and shows) a difference. */
export function withoutRules<T>(rules: CompatibilityRules<T>, ...names: string[]): CompatibilityRules<T> {
  return Object.fromEntries(Object.entries(rules).filter(([name]) => !names.includes(name)));
}

/** Equal as recorded: the same JSON whatever the key order of objects. */
export function sameRecorded(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** The fields whose recorded values differ, in the order the records list them (a's keys first). */
export function differingFields(a: object, b: object): string[] {
  const first = a as Record<string, unknown>;
  const second = b as Record<string, unknown>;
  return Object.keys({ ...first, ...second }).filter((key) => !sameRecorded(first[key], second[key]));
}
