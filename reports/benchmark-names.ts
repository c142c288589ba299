/**
 * The benchmark names of the tasks that existed before run.json recorded each task's `benchmark`:
 * reports read the name from the run's task record, and fall back to this frozen list for older runs.
 * New tasks declare their name in their task file (TaskAdapter.benchmark); never add them here.
 */
export const benchmarkOfTask: Record<string, string> = {
  vqav2: 'VQAv2',
  okvqa: 'OKVQA',
  vizwiz: 'VizWiz',
  textvqa: 'TextVQA',
  gqa: 'GQA',
  'msvd-qa': 'MSVD-QA',
  'msrvtt-qa': 'MSRVTT-QA',
  'activitynet-qa': 'ActivityNet-QA',
};

/** A task id or a benchmark name of the list above, in any case, to the benchmark name; undefined when unknown. */
export function benchmarkName(taskOrBenchmark: string): string | undefined {
  const lower = taskOrBenchmark.toLowerCase();
  const byTask = benchmarkOfTask[lower];
  if (byTask) return byTask;
  return Object.values(benchmarkOfTask).find((name) => name.toLowerCase() === lower);
}

/**
 * Split names differ in spelling between dataset files and papers (GQA's `testdev` is the papers'
 * `test-dev`); compare them in one spelling.
 */
export function canonicalSplit(split: string): string {
  const lower = split.toLowerCase();
  if (lower === 'testdev' || lower === 'test_dev') return 'test-dev';
  if (lower === 'teststd' || lower === 'test-std' || lower === 'test_std') return 'test-standard';
  if (lower === 'validation') return 'val';
  // Hateful Memes' test_seen.jsonl is the papers' "seen test".
  if (lower === 'test_seen' || lower === 'test-seen' || lower === 'seen_test') return 'seen-test';
  return lower;
}

/** The order papers print benchmarks in (the Emu2 tables), then any others alphabetically. */
const benchmarkOrder = ['VQAv2', 'OKVQA', 'VizWiz', 'TextVQA', 'GQA', 'HatefulMemes', 'MSVD-QA', 'MSRVTT-QA', 'ActivityNet-QA'];

export function compareBenchmarks(a: string, b: string): number {
  const rank = (name: string) => {
    const index = benchmarkOrder.findIndex((candidate) => candidate.toLowerCase() === name.toLowerCase());
    return index < 0 ? benchmarkOrder.length : index;
  };
  return rank(a) - rank(b) || a.localeCompare(b);
}
