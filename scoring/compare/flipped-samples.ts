import type { SampleOutcome } from './paired-samples.js';

// The samples a person wants to read after a drop: those the baseline got (more) right than the
// candidate, with both outputs side by side. Full right → wrong flips first, then the largest drops.

export interface FlippedSample {
  sampleId: string;
  kind: 'right-to-wrong' | 'partial-drop';
  /** Score drop, 0–1. */
  drop: number;
  baseline: Pick<SampleOutcome, 'score' | 'output' | 'extracted' | 'error'>;
  candidate: Pick<SampleOutcome, 'score' | 'output' | 'extracted' | 'error'>;
}

export interface FlippedSamples {
  /** The first `limit` of them, in reading order. */
  samples: FlippedSample[];
  /** Every sample whose score dropped. */
  total: number;
  /** Of those, full credit in the baseline and none in the candidate. */
  rightToWrong: number;
}

function shown(outcome: SampleOutcome): FlippedSample['baseline'] {
  return { score: outcome.score, output: outcome.output, extracted: outcome.extracted, ...(outcome.error ? { error: outcome.error } : {}) };
}

export function flippedSamples(
  pairedIds: readonly string[],
  baseline: ReadonlyMap<string, SampleOutcome>,
  candidate: ReadonlyMap<string, SampleOutcome>,
  limit: number,
): FlippedSamples {
  const flips: FlippedSample[] = [];
  let rightToWrong = 0;
  for (const sampleId of pairedIds) {
    const before = baseline.get(sampleId)!;
    const after = candidate.get(sampleId)!;
    const drop = (before.score ?? 0) - (after.score ?? 0);
    if (!(drop > 1e-12)) continue;
    const kind = before.score === 1 && after.score === 0 ? 'right-to-wrong' : 'partial-drop';
    if (kind === 'right-to-wrong') rightToWrong++;
    flips.push({ sampleId, kind, drop, baseline: shown(before), candidate: shown(after) });
  }
  flips.sort((a, b) => Number(b.kind === 'right-to-wrong') - Number(a.kind === 'right-to-wrong') || b.drop - a.drop || (a.sampleId < b.sampleId ? -1 : a.sampleId > b.sampleId ? 1 : 0));
  return { samples: flips.slice(0, Math.max(0, limit)), total: flips.length, rightToWrong };
}
