import type { BaselineRow } from './baselines/baseline-row.js';
import { attachToGroup, describeProtocol, groupByProtocol, incompatibilities, protocolId, type ProtocolGroup, type ProtocolKey } from './baselines/compatibility.js';
import { compareBenchmarks } from './benchmark-names.js';
import type { OurResult } from './collect.js';
import {
  fitSizeTrend,
  parameterEquivalent,
  paretoStatus,
  pointsPerBillion,
  sizeAdjustedScore,
  type ParetoCandidate,
  type ParetoStatus,
  type TrendFit,
} from './normalize.js';
import { baselineCount, ourCount, type ParamsBasis } from './params-basis.js';

export const SYNTHETIC_MARK = 'synthetic sample — not comparable';

export interface ComparisonRow {
  kind: 'ours' | 'baseline';
  model: string;
  /** Baseline: the paper and table. Ours: the run id. */
  source: string;
  date: string | undefined;
  /** Billions on the chosen basis. */
  params: number | undefined;
  paramsNote: string | undefined;
  score: number | null;
  ci95: [number, number] | null;
  n: number | undefined;
  trials: number | undefined;
  trialStandardDeviation: number | null;
  sizeAdjusted: number | null;
  parameterEquivalent: number | null;
  pointsPerBillion: number | null;
  pareto: ParetoStatus | { status: 'not ranked'; reason: string };
  /** Everything a reader must know before comparing this row: synthetic data, split differences ... */
  marks: string[];
  result?: OurResult;
  baseline?: BaselineRow;
}

export interface ComparisonGroup {
  id: string;
  key: ProtocolKey;
  title: string;
  basis: ParamsBasis;
  fit: TrendFit;
  /** Best score first. */
  rows: ComparisonRow[];
  notes: string[];
}

export interface Comparison {
  basis: ParamsBasis;
  groups: ComparisonGroup[];
  /** Our results that match no published protocol, with the reason. */
  unmatched: Array<{ result: OurResult; reason: string }>;
  /** Published numbers on our benchmarks left out because their protocol differs, and how. */
  excluded: Array<{ title: string; models: string[]; reason: string }>;
}

export interface ComparisonOptions {
  basis?: ParamsBasis;
  /**
   * Which published groups to show: `attached` only those our results sit in (report); `our-benchmarks`
   * every protocol group on a benchmark we ran (leaderboard --with-baselines); `all` (baselines).
   */
  scope?: 'attached' | 'our-benchmarks' | 'all';
}

function baselineRow(row: BaselineRow, basis: ParamsBasis): ComparisonRow {
  const count = baselineCount(row, basis);
  return {
    kind: 'baseline',
    model: row.model,
    source: row.source,
    date: undefined,
    params: count.value,
    paramsNote: count.note,
    score: row.score,
    ci95: null,
    n: undefined,
    trials: undefined,
    trialStandardDeviation: null,
    sizeAdjusted: null,
    parameterEquivalent: null,
    pointsPerBillion: null,
    pareto: { status: 'frontier' },
    marks: row.params.certainty === 'published' ? [] : [`${row.params.certainty} parameter count`],
    baseline: row,
  };
}

function ourRow(result: OurResult, basis: ParamsBasis, extraMarks: string[]): ComparisonRow {
  const count = ourCount(result.params, basis);
  const marks = [...(result.bundledSample ? [SYNTHETIC_MARK] : []), ...extraMarks];
  if (result.runStatus !== 'finished') marks.push(`run ${result.runStatus}: partial results`);
  return {
    kind: 'ours',
    model: `${result.model} (ours)`,
    source: result.runId,
    date: result.date,
    params: count.value,
    paramsNote: count.note,
    score: result.score,
    ci95: result.ci95,
    n: result.n,
    trials: result.trials,
    trialStandardDeviation: result.trialStandardDeviation,
    sizeAdjusted: null,
    parameterEquivalent: null,
    pointsPerBillion: null,
    pareto: { status: 'frontier' },
    marks,
    result,
  };
}

export function describeFit(fit: TrendFit, basis: ParamsBasis): string {
  if (!fit.fitted) return `no size trend: ${fit.reason}`;
  const slope = `${fit.slope < 0 ? '−' : '+'} ${Math.abs(fit.slope).toFixed(2)}`;
  const rSquared = fit.rSquared === null ? '' : `, R² ${fit.rSquared.toFixed(2)}`;
  return `trend over ${fit.points} published models: score = ${fit.intercept.toFixed(2)} ${slope}·log10(${basis} params in B)${rSquared}`;
}

/** Rows that take part in ranking: published numbers, and ours unless they come from a synthetic sample. */
function ranked(row: ComparisonRow): boolean {
  return row.kind === 'baseline' || !row.result?.bundledSample;
}

function normalizeGroup(group: ProtocolGroup, ours: Array<{ result: OurResult; marks: string[] }>, basis: ParamsBasis): ComparisonGroup {
  const rows = [...group.rows.map((row) => baselineRow(row, basis)), ...ours.map(({ result, marks }) => ourRow(result, basis, marks))];
  const references = rows.filter((row) => row.kind === 'baseline');
  const fit = fitSizeTrend(references.filter((row) => row.params !== undefined).map((row) => ({ label: row.model, params: row.params!, score: row.score! })));
  const notes: string[] = [];
  const withoutCount = references.filter((row) => row.params === undefined).map((row) => row.model);
  if (withoutCount.length > 0) notes.push(`left out of the ${basis} trend (no ${basis} count): ${withoutCount.join(', ')}`);
  notes.push(describeFit(fit, basis));
  // How our runs were mapped onto the published protocol columns, said once per group rather than per row.
  for (const note of new Set(ours.flatMap(({ result }) => result.protocolNotes.map((text) => `${result.model}: ${text}`)))) notes.push(note);
  if (fit.fitted && fit.slope <= 0) notes.push('the trend does not rise with size, so no parameter count "buys" a score: param-equiv. is left empty');
  const candidates = new Map<ComparisonRow, ParetoCandidate>();
  for (const row of rows) if (ranked(row) && row.score !== null) candidates.set(row, { label: row.model, params: row.params, score: row.score });
  const pool = [...candidates.values()];
  for (const row of rows) {
    if (row.score === null) continue;
    row.sizeAdjusted = sizeAdjustedScore(fit, row.params, row.score);
    row.parameterEquivalent = parameterEquivalent(fit, row.score);
    row.pointsPerBillion = pointsPerBillion(row.score, row.params);
    const candidate = candidates.get(row);
    row.pareto = candidate ? paretoStatus(candidate, pool) : { status: 'not ranked', reason: SYNTHETIC_MARK };
  }
  rows.sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity) || (a.kind === 'ours' ? -1 : 1));
  return { id: group.id, key: group.key, title: describeProtocol(group.key), basis, fit, rows, notes };
}

/** Our results beside the comparable published numbers, normalized for size within each protocol group. */
export function buildComparison(ours: readonly OurResult[], baselines: readonly BaselineRow[], options: ComparisonOptions = {}): Comparison {
  const basis = options.basis ?? 'total';
  const groups = groupByProtocol(baselines);
  // Our results under a protocol nobody published still belong in every table and leaderboard: they get
  // a group of their own, with no trend and the reason said.
  const oursOnly = new Map<string, { group: ProtocolGroup; reason: string }>();
  const attached = new Map<string, Array<{ result: OurResult; marks: string[] }>>();
  const unmatched: Comparison['unmatched'] = [];
  for (const result of ours) {
    if (result.score === null) {
      unmatched.push({ result, reason: result.submission ? `no score: split without answers (submission file ${result.submission})` : 'no score' });
      continue;
    }
    const attachment = attachToGroup(result.protocol, groups);
    let groupId: string;
    if (attachment.kind === 'none') {
      groupId = protocolId(result.protocol);
      if (!oursOnly.has(groupId)) oursOnly.set(groupId, { group: { id: groupId, key: result.protocol, rows: [] }, reason: attachment.reason });
    } else groupId = attachment.group.id;
    const list = attached.get(groupId) ?? [];
    list.push({ result, marks: attachment.kind === 'split-differs' ? [attachment.note] : [] });
    attached.set(groupId, list);
  }
  const scope = options.scope ?? 'attached';
  const ourBenchmarks = new Set(ours.map((result) => result.benchmark.toLowerCase()));
  const selected = [...groups, ...[...oursOnly.values()].map((entry) => entry.group)].filter(
    (group) => attached.has(group.id) || scope === 'all' || (scope === 'our-benchmarks' && ourBenchmarks.has(group.key.benchmark.toLowerCase())),
  );
  const comparisonGroups = selected.map((group) => {
    const normalized = normalizeGroup(group, attached.get(group.id) ?? [], basis);
    const onlyOurs = oursOnly.get(group.id);
    if (onlyOurs) normalized.notes = [onlyOurs.reason];
    return normalized;
  });
  const excluded: Comparison['excluded'] = [];
  if (scope === 'attached') {
    const ourKeys = comparisonGroups.filter((group) => attached.has(group.id)).map((group) => group.key);
    for (const group of groups) {
      if (attached.has(group.id)) continue;
      // Say which published numbers on the same benchmark and shot count were left out, and why.
      const near = ourKeys.find((key) => key.benchmark.toLowerCase() === group.key.benchmark.toLowerCase() && key.shots === group.key.shots);
      if (!near) continue;
      excluded.push({ title: describeProtocol(group.key), models: group.rows.map((row) => row.model), reason: `theirs vs ours: ${incompatibilities(group.key, near, { ignoreSplit: true }).join('; ')}` });
    }
  }
  comparisonGroups.sort((a, b) => compareBenchmarks(a.key.benchmark, b.key.benchmark) || a.key.shots - b.key.shots || a.id.localeCompare(b.id));
  return { basis, groups: comparisonGroups, unmatched, excluded };
}
