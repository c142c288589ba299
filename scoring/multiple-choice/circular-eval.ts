// MMBench's CircularEval (VLMEvalKit vlmeval/dataset/utils/multiple_choice.py: mcq_circular_eval,
// prefetch_circular_group): a question with N options is asked N times with its options rotated, and it
// counts as solved only when every pass is answered right.

/** VLMEvalKit's offset between the passes of one question: pass k has index `index + k × 1e6`. */
export const CIRCULAR_OFFSET = 1_000_000;

/**
 * The circular group a TSV row belongs to: its `g_index` column when the file has one, else
 * `int(index % 1e6)` as mcq_circular_eval computes it.
 */
export function circularGroupOf(index: number, gIndex?: number): number {
  return gIndex ?? index % CIRCULAR_OFFSET;
}

/** One pass of a question as scored: the extracted choice (false when none could be inferred) or an error. */
export interface CircularPass {
  index: number;
  group: number;
  /** The pass's gold letter. */
  answer: string;
  /** The inferred letter (`Z` included), false when nothing could be inferred, or null when the pass errored. */
  predicted: string | false | null;
}

export type CircularVerdict =
  /** Every pass inferred and equal to its answer. */
  | { group: number; passes: number; hit: 1 }
  /** A pass inferred to another letter (or Z), or a pass VLMEvalKit's judge would have been asked about. */
  | { group: number; passes: number; hit: 0; reason: 'wrong' | 'not-inferred'; failedIndex: number }
  /** A pass errored (no output) and none failed: the group has no score; the ALL view counts it as wrong. */
  | { group: number; passes: number; hit: null; reason: 'error'; failedIndex: number };

/**
 * The verdict per group, in the order of the groups' main rows (index == group). As in mcq_circular_eval,
 * only groups whose main pass is present are scored, and a group is judged on the passes present.
 * Without a judge (VLMEvalKit's `exact_matching`) a pass whose choice could not be inferred fails its group;
 * a pass inferred to a wrong letter fails it first (prefetch stops at the first wrong pass, in row order).
 */
export function circularVerdicts(passes: readonly CircularPass[]): CircularVerdict[] {
  const byGroup = new Map<number, CircularPass[]>();
  for (const pass of passes) {
    const members = byGroup.get(pass.group);
    if (members) members.push(pass);
    else byGroup.set(pass.group, [pass]);
  }
  const verdicts: CircularVerdict[] = [];
  for (const main of passes) {
    if (main.index !== main.group) continue;
    const members = [...byGroup.get(main.group)!].sort((a, b) => a.index - b.index);
    verdicts.push(judgeGroup(main.group, members));
  }
  return verdicts;
}

function judgeGroup(group: number, members: CircularPass[]): CircularVerdict {
  const passes = members.length;
  // A wrong or uninferable pass fails the group whatever the other passes did; only then does an
  // errored pass leave the group without a score.
  const wrong = members.find((pass) => typeof pass.predicted === 'string' && pass.predicted !== pass.answer);
  if (wrong) return { group, passes, hit: 0, reason: 'wrong', failedIndex: wrong.index };
  const unmatched = members.find((pass) => pass.predicted === false);
  if (unmatched) return { group, passes, hit: 0, reason: 'not-inferred', failedIndex: unmatched.index };
  const errored = members.find((pass) => pass.predicted === null);
  if (errored) return { group, passes, hit: null, reason: 'error', failedIndex: errored.index };
  return { group, passes, hit: 1 };
}
