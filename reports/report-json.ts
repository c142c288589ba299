import type { Comparison, ComparisonRow } from './compare-rows.js';

/** A comparison as plain JSON: the run and baseline objects behind each row are reduced to identifiers. */
export function comparisonJson(comparison: Comparison, warnings: readonly string[] = []) {
  const row = ({ result, baseline, ...rest }: ComparisonRow) => ({
    ...rest,
    ...(result ? { runId: result.runId, task: result.task, split: result.split, bundledSample: result.bundledSample } : {}),
    ...(baseline ? { paramsCertainty: baseline.params.certainty, origin: baseline.origin } : {}),
  });
  return {
    paramsBasis: comparison.basis,
    warnings,
    groups: comparison.groups.map((group) => ({ id: group.id, title: group.title, protocol: group.key, fit: group.fit, notes: group.notes, rows: group.rows.map(row) })),
    excluded: comparison.excluded,
    unmatched: comparison.unmatched.map(({ result, reason }) => ({ runId: result.runId, model: result.model, task: result.task, split: result.split, shots: result.shots, reason })),
  };
}
