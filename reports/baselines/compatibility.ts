import { incompatibilityReasons, withoutRules, type CompatibilityRules } from '../../core/compatibility.js';
import { canonicalSplit } from '../benchmark-names.js';
import type { BaselineRow, DemoSelection, ShotStyle } from './baseline-row.js';
import { placementAdvice } from './placement-advice.js';
import { describeScoringRule, publishedScoringRule } from './scoring-rules.js';

/**
 * Everything that must match for two numbers to sit in one size trend (docs/protocols.md#published-baselines). Numbers that
 * differ in any of these are never fitted together: Flamingo's 0* is not zero-shot, RICES demos beat
 * random ones by several points, and a model trained on the benchmark's training split is not
 * evaluated held-out.
 */
export interface ProtocolKey {
  benchmark: string;
  split: string;
  metric: string;
  shots: number;
  shotStyle: ShotStyle;
  demoSelection: DemoSelection;
  trainedOnTrainSplit: boolean;
  /**
   * The rule that turned answers into scores (docs/official-evaluators.md): published rows carry their
   * benchmark's official evaluator's, our results the one run.json records. Absent where no rule is
   * checked (video QA, or a key built without one).
   */
  scoringRule?: string;
}

export function protocolOfBaseline(row: BaselineRow): ProtocolKey {
  return {
    benchmark: row.benchmark,
    split: canonicalSplit(row.split),
    metric: row.metric,
    shots: row.shots,
    shotStyle: row.shotStyle,
    demoSelection: row.demoSelection,
    trainedOnTrainSplit: row.trainedOnTrainSplit,
    ...withRule(publishedScoringRule(row.benchmark)),
  };
}

function withRule(rule: string | undefined): { scoringRule?: string } {
  return rule ? { scoringRule: rule } : {};
}

export function protocolId(key: ProtocolKey): string {
  const parts = [key.benchmark.toLowerCase(), canonicalSplit(key.split), key.metric, key.shots, key.shotStyle, key.demoSelection, key.trainedOnTrainSplit ? 'trained' : 'held-out'];
  return (key.scoringRule ? [...parts, key.scoringRule] : parts).join('|');
}

const shotStyleWords: Record<ShotStyle, string> = {
  zero: 'true zero-shot',
  'text-two-shot': '0* (two text-only demonstrations, Flamingo style)',
  few: 'few-shot',
  instruction: 'instruction-tuned, zero-shot',
};

export function describeShots(key: Pick<ProtocolKey, 'shots' | 'shotStyle' | 'demoSelection'>): string {
  if (key.shotStyle === 'few') return `${key.shots}-shot, ${key.demoSelection === 'RICES' ? 'RICES' : key.demoSelection} demonstrations`;
  if (key.shotStyle === 'text-two-shot') return `${key.shots}*: two text-only demonstrations (Flamingo style), not true zero-shot`;
  return `0-shot, ${shotStyleWords[key.shotStyle]}`;
}

/** One line a reader can check against a paper's table caption. */
export function describeProtocol(key: ProtocolKey): string {
  return `${key.benchmark} ${key.split} · ${key.metric} · ${describeShots(key)} · ${key.trainedOnTrainSplit ? 'trained on the train split (*)' : 'train split held out'}`;
}

/** One rule per field of a protocol; each names the difference in words a reader can check against a paper. */
const protocolRules: CompatibilityRules<ProtocolKey> = {
  benchmark: (a, b) => (a.benchmark.toLowerCase() !== b.benchmark.toLowerCase() ? `benchmark ${a.benchmark} vs ${b.benchmark}` : undefined),
  split: (a, b) => (canonicalSplit(a.split) !== canonicalSplit(b.split) ? `split ${a.split} vs ${b.split}` : undefined),
  metric: (a, b) => (a.metric !== b.metric ? `metric ${a.metric} vs ${b.metric}` : undefined),
  shots: (a, b) => (a.shots !== b.shots ? `${a.shots} vs ${b.shots} shots` : undefined),
  'shot style': (a, b) => (a.shotStyle !== b.shotStyle ? `${shotStyleWords[a.shotStyle]} vs ${shotStyleWords[b.shotStyle]}` : undefined),
  'demonstration selection': (a, b) => (a.demoSelection !== b.demoSelection ? `${a.demoSelection} vs ${b.demoSelection} demonstrations` : undefined),
  'train split': (a, b) =>
    a.trainedOnTrainSplit !== b.trainedOnTrainSplit
      ? `${a.trainedOnTrainSplit ? 'trained on' : 'held out'} vs ${b.trainedOnTrainSplit ? 'trained on' : 'held out'} the train split`
      : undefined,
  // Only where both say: a key without a rule (video QA) is not refused for lacking one.
  'scoring rule': (a, b) =>
    a.scoringRule && b.scoringRule && a.scoringRule !== b.scoringRule ? `scored by ${describeScoringRule(a.scoringRule)} vs ${describeScoringRule(b.scoringRule)}` : undefined,
};

const protocolRulesButSplit = withoutRules(protocolRules, 'split');

/** Why two protocols are not comparable, one reason per differing field; empty when they are. */
export function incompatibilities(a: ProtocolKey, b: ProtocolKey, options: { ignoreSplit?: boolean } = {}): string[] {
  return incompatibilityReasons(options.ignoreSplit ? protocolRulesButSplit : protocolRules, a, b);
}

export interface ProtocolGroup {
  id: string;
  key: ProtocolKey;
  rows: BaselineRow[];
}

/** Baselines partitioned so that each group holds only mutually comparable rows. */
export function groupByProtocol(rows: readonly BaselineRow[]): ProtocolGroup[] {
  const groups = new Map<string, ProtocolGroup>();
  for (const row of rows) {
    const key = protocolOfBaseline(row);
    const id = protocolId(key);
    const group = groups.get(id) ?? { id, key, rows: [] };
    group.rows.push(row);
    groups.set(id, group);
  }
  return [...groups.values()];
}

export type Attachment =
  | { kind: 'exact'; group: ProtocolGroup }
  /** Comparable except for the split (our val vs a paper's test-dev): shown, and marked as such. */
  | { kind: 'split-differs'; group: ProtocolGroup; note: string }
  | { kind: 'none'; reason: string };

/**
 * The baseline group one of our results belongs with. A different split is the one difference that is
 * shown (with a mark) rather than excluded: VQAv2 test-dev has no public answers, so a run can only
 * score val, and readers still want to see the published test-dev numbers beside it.
 */
export function attachToGroup(ours: ProtocolKey, groups: readonly ProtocolGroup[]): Attachment {
  const exact = groups.find((group) => incompatibilities(ours, group.key).length === 0);
  if (exact) return { kind: 'exact', group: exact };
  const nearSplit = groups.find((group) => incompatibilities(ours, group.key, { ignoreSplit: true }).length === 0);
  if (nearSplit) {
    return { kind: 'split-differs', group: nearSplit, note: `split differs: ours ${ours.split}, published ${nearSplit.key.split}` };
  }
  const sameBenchmark = groups.filter((group) => group.key.benchmark.toLowerCase() === ours.benchmark.toLowerCase());
  if (sameBenchmark.length === 0) return { kind: 'none', reason: `no published ${ours.benchmark} numbers` };
  const closest = sameBenchmark
    .map((group) => ({ group, reasons: incompatibilities(ours, group.key) }))
    .sort((a, b) => a.reasons.length - b.reasons.length)[0]!;
  const advice = placementAdvice(ours, closest.group.key);
  return { kind: 'none', reason: `no published ${ours.benchmark} numbers under this protocol (closest: ${closest.reasons.join('; ')})${advice.length > 0 ? `; ${advice.join('; ')}` : ''}` };
}
