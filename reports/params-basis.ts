import type { BaselineRow } from './baselines/baseline-row.js';
import type { OurParameterCount } from './collect.js';

/**
 * Which parameter count the size trend uses. `total` counts everything; `language` only the language
 * model (the part that dominates inference cost for a frozen-encoder design); `active` the parameters
 * used per token, which equals the total for the dense models in the published tables.
 */
export const paramsBases = ['total', 'language', 'active'] as const;
export type ParamsBasis = (typeof paramsBases)[number];

export interface BasisCount {
  /** Billions, or undefined when the source gives no count on this basis. */
  value: number | undefined;
  /** Why there is no value, or what the value rests on (shown next to it). */
  note?: string;
}

export function baselineCount(row: BaselineRow, basis: ParamsBasis): BasisCount {
  const certainty = row.params.certainty === 'published' ? undefined : `${row.params.certainty} count: ${row.params.note}`;
  if (basis === 'total') return { value: row.params.total, ...(certainty ? { note: certainty } : {}) };
  if (basis === 'active') {
    if (row.params.active !== undefined) return { value: row.params.active, ...(certainty ? { note: certainty } : {}) };
    return { value: row.params.total, note: certainty ?? 'dense: active = total' };
  }
  if (row.params.language !== undefined) return { value: row.params.language, note: `language count from: ${row.params.note}` };
  return { value: undefined, note: `no language-model count in its source (${row.params.note})` };
}

export function ourCount(params: OurParameterCount | undefined, basis: ParamsBasis): BasisCount {
  if (!params) return { value: undefined, note: 'no parameter count in run.json (replay runs record none); give --params N' };
  const source = `${params.source}`;
  if (basis === 'language') {
    return params.language !== undefined ? { value: params.language, note: source } : { value: undefined, note: 'run.json has no language-model count' };
  }
  // emu-eval's runners are dense transformers: every parameter is used for every token.
  return { value: params.total, note: basis === 'active' ? `${source}; dense: active = total` : source };
}
