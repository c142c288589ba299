import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { publishedBaselines } from '../../reports/baselines/published.js';
import { ruleOfTaskRecord } from '../../reports/baselines/scoring-rules.js';
import { collectRuns } from '../../reports/collect.js';
import { buildComparison } from '../../reports/compare-rows.js';
import type { MetricsRecord, RunRecord } from '../../artifact/schema.js';
import { temporaryFolder } from '../helpers/cli.js';
import { asRealData, editRun, replayRun } from './helpers.js';

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

test('a TextVQA run records the m4c rule in run.json and metrics.json; VizWiz adds the API\'s answerability', async () => {
  const out = temporaryFolder();
  const textvqa = await replayRun(out, 'textvqa', { wrongEvery: 3 });
  const run = readJson<RunRecord>(path.join(textvqa, 'run.json'));
  assert.equal(run.tasks[0]!.scoringRule, 'm4c-textvqa');
  assert.equal(run.tasks[0]!.version, 2);
  assert.equal(readJson<MetricsRecord>(path.join(textvqa, 'metrics.json')).results[0]!.rule, 'm4c-textvqa');

  const vizwiz = await replayRun(out, 'vizwiz', { wrongEvery: 3 });
  assert.equal(readJson<RunRecord>(path.join(vizwiz, 'run.json')).tasks[0]!.scoringRule, 'vizwiz-vqa-eval');
  const unanswerability = readJson<MetricsRecord>(path.join(vizwiz, 'metrics.json')).results[0]!.official?.unanswerability;
  assert.ok(unanswerability, 'VizWiz metrics carry average precision and F1 for "unanswerable"');
  assert.ok(unanswerability.averagePrecision >= 0 && unanswerability.averagePrecision <= 100);

  const gqa = await replayRun(out, 'gqa', { extra: ['--gqa-answers', 'llava'] });
  const gqaRun = readJson<RunRecord>(path.join(gqa, 'run.json'));
  assert.equal(gqaRun.config.gqaAnswers, 'llava');
  assert.equal(gqaRun.tasks[0]!.scoringRule, 'gqa-eval-llava');
});

test('VQAv2 records vqaEval.py\'s rule without changing the run\'s identity', async () => {
  const out = temporaryFolder();
  const vqav2 = await replayRun(out, 'vqav2');
  const run = readJson<RunRecord>(path.join(vqav2, 'run.json'));
  assert.equal(run.tasks[0]!.scoringRule, 'vqa-eval');
  assert.equal(run.config.gqaAnswers, undefined);
});

test('runs from before the rule was recorded are read as scored by vqaEval.py\'s rule', () => {
  const config = { normalize: 'official' } as RunRecord['config'];
  assert.equal(ruleOfTaskRecord({ metric: 'vqa_accuracy' }, config, 'vqa_accuracy'), 'vqa-eval');
  assert.equal(ruleOfTaskRecord({ metric: 'vqa_accuracy' }, { ...config, normalize: 'always' }, 'vqa_accuracy'), 'vqa-eval-always');
  assert.equal(ruleOfTaskRecord({ metric: 'exact_match' }, config, 'exact_match'), 'emu-eval-exact-match');
  assert.equal(ruleOfTaskRecord({ metric: 'vqa_accuracy', scoringRule: 'm4c-textvqa' }, config, 'vqa_accuracy'), 'm4c-textvqa');
});

test('the report ranks a TextVQA run scored by the m4c rule with the published rows, and refuses one scored by vqaEval.py\'s', async () => {
  const out = temporaryFolder();
  const current = await replayRun(out, 'textvqa', { wrongEvery: 2 });
  const older = await replayRun(out, 'textvqa', { wrongEvery: 3 });
  asRealData(current);
  asRealData(older);
  // As an emu-eval from before this rule would have written it: no rule recorded.
  editRun(older, {
    run: (record) => {
      for (const task of record.tasks) delete task.scoringRule;
    },
    metrics: (record) => {
      for (const result of record.results) delete result.rule;
    },
  });
  const ours = collectRuns([current, older]);
  const comparison = buildComparison(ours, publishedBaselines);
  const groupOf = (runDirectory: string) => comparison.groups.find((group) => group.rows.some((row) => row.kind === 'ours' && row.result?.runDirectory === runDirectory))!;

  const ranked = groupOf(current);
  assert.ok(ranked.rows.some((row) => row.kind === 'baseline' && row.model === 'Emu2'), 'the m4c-scored run sits with the published TextVQA rows');

  const refused = groupOf(older);
  assert.ok(refused.rows.every((row) => row.kind === 'ours'), 'no published row ranked against the vqaEval.py-scored run');
  assert.match(refused.notes.join(' '), /scored by vqaEval\.py .* vs m4c TextVQA evaluator/);
  assert.notEqual(refused.id, ranked.id);
});
