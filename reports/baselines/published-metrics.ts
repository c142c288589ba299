// Papers name a benchmark's metric loosely ("accuracy", "GPT-4 score"); our tasks report it under the
// id of the metric that reproduces the benchmark's own scoring. A published row is compared with our
// results under our id, so the papers' word is translated here, per benchmark, once.

/** benchmark (lower case) → the papers' metric word → the metric id our task of that benchmark reports. */
const ourMetricIds: Record<string, Record<string, string>> = {
  // SEED-Bench's evaluator: accuracy over the multiple-choice answers.
  'seed-bench': { accuracy: 'choice_accuracy' },
  // MMBench's published test numbers are CircularEval accuracy (a question counts when every rotation of its options is right).
  mmbench: { accuracy: 'circular_accuracy' },
  // MMMU's evaluator: its answer parsing, then accuracy over questions.
  mmmu: { accuracy: 'mmmu_accuracy' },
  // MM-Vet's GPT-4 grader: the mean of per-sample grades in [0, 1], as a percent.
  'mm-vet': { gpt4_score: 'mm_vet_score' },
};

/** The metric id a published row is compared under: ours where the benchmark has a task, else as written. */
export function ourMetricId(benchmark: string, metric: string): string {
  return ourMetricIds[benchmark.toLowerCase()]?.[metric] ?? metric;
}
