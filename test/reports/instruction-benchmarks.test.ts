import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli, temporaryFolder } from '../helpers/cli.js';
import { editRun, replayRun } from './helpers.js';

// A run of the instruction-following benchmarks (task ids, benchmark names, metric ids and splits as their tasks record
// them), made from a replayed VQAv2 run by rewriting its records: the report places each result beside
// the published Emu2-Chat, CogVLM, LLaVA-1.5 and Qwen-VL-Chat rows, normalized by parameters.

const results = [
  { task: 'mmmu', benchmark: 'MMMU', metric: 'mmmu_accuracy', split: 'test', value: 35.2 },
  { task: 'mm-vet', benchmark: 'MM-Vet', metric: 'mm_vet_score', split: 'test', value: 47.0 },
  { task: 'mmbench', benchmark: 'MMBench', metric: 'circular_accuracy', split: 'test', value: 64.1 },
  { task: 'seed-bench', benchmark: 'SEED-Bench', metric: 'choice_accuracy', split: 'all', value: 61.9 },
];

interface ReportRow {
  kind: string;
  model: string;
  score: number;
  params?: number;
  sizeAdjusted: number | null;
}

test('report places MMMU, MM-Vet, MMBench and SEED-Bench results beside the published instruction-tuned models, normalized by parameters', { timeout: 60_000 }, async () => {
  const run = await replayRun(temporaryFolder(), 'vqav2', { protocol: 'emu2-chat' });
  editRun(run, {
    run: (record) => {
      const [template] = record.tasks;
      record.tasks = results.map(({ task, benchmark, metric, split }) => ({ ...template!, id: task, benchmark, metric, split, bundledSample: false, scoringRule: undefined }));
    },
    metrics: (record) => {
      const [template] = record.results;
      record.results = results.map(({ task, metric, split, value }) => ({
        ...template!,
        task,
        metric,
        split,
        rule: undefined,
        breakdowns: {},
        all: { ...template!.all, value, ci95: [value - 3, value + 3] },
        valid: { ...template!.valid, value, ci95: [value - 3, value + 3] },
      }));
    },
  });
  const { code, stdout, stderr } = await runCli(['report', run, '--params', '37B', '--label', 'Emu2-Chat (ours)', '--json']);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as { groups: Array<{ title: string; rows: ReportRow[] }> };
  const published = (benchmark: string) => report.groups.filter((group) => group.title.startsWith(`${benchmark} `) && group.rows.some((row) => row.kind === 'ours'));
  const expected: Record<string, string[]> = {
    MMMU: ['CogVLM', 'CogVLM-Chat-v2paper', 'Emu2-Chat', 'Kosmos-2', 'LLaVA-1.5-13B', 'Qwen-VL-Chat'],
    'MM-Vet': ['BLIP-2-13B', 'CogVLM-Chat-v2paper', 'Emu-I', 'Emu2-Chat', 'InstructBLIP-13B', 'LLaVA-1.5-13B'],
    MMBench: ['CogVLM-Chat-v2paper', 'Emu2-Chat', 'LLaVA-1.5-13B', 'Qwen-VL-Chat'],
    'SEED-Bench': ['BLIP-2-13B', 'Emu2-Chat', 'Kosmos-2', 'LLaVA-1.5-13B', 'Qwen-VL-Chat'],
  };
  for (const { benchmark, value } of results) {
    const [group, ...others] = published(benchmark);
    assert.ok(group, `${benchmark}: a group holding our result (${report.groups.map((candidate) => candidate.title).join(' | ')})`);
    assert.equal(others.length, 0);
    assert.match(group.title, /0-shot, instruction-tuned, zero-shot · train split held out/);
    const models = group.rows.filter((row) => row.kind !== 'ours').map((row) => row.model).sort();
    assert.deepEqual(models, expected[benchmark]);
    const ours = group.rows.find((row) => row.kind === 'ours')!;
    assert.equal(ours.score, value);
    assert.equal(ours.params, 37);
    // Normalized by parameters: every row with a count gets a size-adjusted score.
    assert.ok(group.rows.every((row) => typeof row.sizeAdjusted === 'number'), `${benchmark}: size-adjusted scores`);
  }
  const text = await runCli(['report', run, '--params', '37B']);
  assert.match(text.stdout, /MMMU test · mmmu_accuracy · 0-shot, instruction-tuned/);
  assert.match(text.stdout, /Qwen-VL-Chat\s+│ 9\.6B\s+│ 32\.9/);
});
