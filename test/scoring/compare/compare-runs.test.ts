import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { compareRuns, IncompatibleRunsError } from '../../../scoring/compare/compare-runs.js';
import { runCli, temporaryFolder } from '../../helpers/cli.js';
import { binaryScores, changeScores, vqaScores, writeSyntheticRun } from './synthetic-run.js';

const SAMPLES = 2000;

describe('compare: 2,000-sample runs', () => {
  const folder = temporaryFolder('emu-eval-compare-');
  const baselineScores = binaryScores(SAMPLES, 0.6, 1);
  const baseline = writeSyntheticRun(folder, { runId: 'baseline', task: 'gqa', scores: baselineScores });

  it('flags an injected 5-point drop, with the flipped samples and their outputs', async () => {
    // 100 right → wrong (5 points) on top of run-to-run noise that cancels out (30 flips each way).
    const untouched = (wanted: number) => (score: number, index: number) => score === wanted && baselineScores[index] === wanted;
    let scores = changeScores(baselineScores, 30, untouched(1), () => 0, 2);
    scores = changeScores(scores, 30, untouched(0), () => 1, 3);
    scores = changeScores(scores, 100, untouched(1), () => 0, 4);
    const outputs = scores.map((score, index) => (score === baselineScores[index] ? `answer-${score}` : `changed-${index}`));
    const candidate = writeSyntheticRun(folder, { runId: 'drop-5', task: 'gqa', scores, outputs });
    const comparison = await compareRuns(baseline, candidate);
    const [unit] = comparison.units;
    assert.equal(comparison.units.length, 1);
    assert.equal(unit!.paired!.n, SAMPLES);
    assert.equal(unit!.paired!.test, 'mcnemar-exact');
    assert.ok(Math.abs(unit!.paired!.delta - -5) < 1e-9, `delta ${unit!.paired!.delta}`);
    assert.ok(unit!.paired!.pValue < 1e-6, `p ${unit!.paired!.pValue}`);
    assert.ok(unit!.paired!.ci95[0] < -5 && unit!.paired!.ci95[1] > -5 && unit!.paired!.ci95[1] < 0, `CI ${unit!.paired!.ci95}`);
    assert.equal(unit!.status, 'regressed');
    assert.equal(comparison.regressions, 1);
    assert.equal(unit!.flips.total, 130);
    assert.equal(unit!.flips.rightToWrong, 130);
    assert.equal(unit!.flips.samples.length, 20);
    const first = unit!.flips.samples[0]!;
    assert.equal(first.kind, 'right-to-wrong');
    assert.equal(first.baseline.output, 'answer-1');
    assert.match(first.candidate.output, /^changed-\d+$/);
  });

  it('does not flag identical outputs', async () => {
    const candidate = writeSyntheticRun(folder, { runId: 'identical', task: 'gqa', scores: baselineScores });
    const [unit] = (await compareRuns(baseline, candidate)).units;
    assert.equal(unit!.paired!.delta, 0);
    assert.equal(unit!.paired!.pValue, 1);
    assert.equal(unit!.status, 'unchanged');
    assert.equal(unit!.flips.total, 0);
  });

  it('does not call a 0.2-point change significant, even with no threshold', async () => {
    let scores = changeScores(baselineScores, 6, (score) => score === 1, () => 0, 5);
    scores = changeScores(scores, 2, (score) => score === 0, () => 1, 6);
    const candidate = writeSyntheticRun(folder, { runId: 'small-change', task: 'gqa', scores });
    const [unit] = (await compareRuns(baseline, candidate, { threshold: 0 })).units;
    assert.ok(Math.abs(unit!.paired!.delta - -0.2) < 1e-9);
    assert.ok(unit!.paired!.pValue > 0.05, `p ${unit!.paired!.pValue}`);
    assert.equal(unit!.significant, false);
    assert.equal(unit!.status, 'unchanged');
  });

  it('VQA accuracy (0/0.3/0.6/0.9/1): a 5-point drop is flagged by the paired permutation test', async () => {
    const vqaBaseline = vqaScores(SAMPLES, 7);
    const before = writeSyntheticRun(folder, { runId: 'vqa-baseline', scores: vqaBaseline });
    // 0.3-point noise both ways, then 100 full-credit answers lost.
    let scores = changeScores(vqaBaseline, 80, (score) => score === 0.6, () => 0.3, 8);
    scores = changeScores(scores, 80, (score) => score === 0.3, () => 0.6, 9);
    scores = changeScores(scores, 100, (score) => score === 1, () => 0, 10);
    const after = writeSyntheticRun(folder, { runId: 'vqa-drop', scores });
    const [unit] = (await compareRuns(before, after)).units;
    assert.equal(unit!.paired!.test, 'paired-permutation');
    assert.ok(Math.abs(unit!.paired!.delta - -5) < 1e-9);
    assert.ok(unit!.paired!.pValue < 0.001);
    assert.equal(unit!.status, 'regressed');
    const same = writeSyntheticRun(folder, { runId: 'vqa-same', scores: vqaBaseline });
    assert.equal((await compareRuns(before, same)).units[0]!.status, 'unchanged');
  });

  it('pairs over the samples both runs scored and says how many were left out', async () => {
    const candidate = writeSyntheticRun(folder, { runId: 'first-1500', task: 'gqa', scores: baselineScores.slice(0, 1500) });
    const [unit] = (await compareRuns(baseline, candidate)).units;
    assert.equal(unit!.paired!.n, 1500);
    assert.match(unit!.reasons.join(), /500 samples scored by the baseline only/);
  });

  it('ALL view counts errors as wrong; VALID leaves them out', async () => {
    const scores: Array<number | null> = baselineScores.map((score, index) => (index < 200 && score === 1 ? null : score));
    const candidate = writeSyntheticRun(folder, { runId: 'errors', task: 'gqa', scores });
    const all = (await compareRuns(baseline, candidate)).units[0]!;
    const valid = (await compareRuns(baseline, candidate, { view: 'valid' })).units[0]!;
    assert.equal(all.status, 'regressed');
    assert.equal(valid.paired!.n, SAMPLES - scores.filter((score) => score === null).length);
    assert.equal(valid.paired!.delta, 0);
  });
});

describe('compare: incompatible runs', () => {
  const folder = temporaryFolder('emu-eval-compare-');
  const scores = binaryScores(50, 0.5, 11);
  const baseline = writeSyntheticRun(folder, { runId: 'baseline', task: 'gqa', scores });

  it('refuses, naming what differs', async () => {
    const cases: Array<[string, Parameters<typeof writeSyntheticRun>[1], RegExp]> = [
      ['version', { runId: 'v2', task: 'gqa', scores, version: 2 }, /gqa 0-shot: task version differs \(baseline 1, candidate 2\)/],
      ['data', { runId: 'data', task: 'gqa', scores, fingerprint: 'other' }, /data fingerprint differs \(baseline fingerprint-1, candidate other\)/],
      ['normalization', { runId: 'norm', task: 'gqa', scores, normalize: 'always' }, /normalization differs \(baseline official, candidate always\)/],
      ['protocol', { runId: 'protocol', task: 'gqa', scores, protocol: 'llava' }, /protocol differs \(baseline emu2, candidate llava\)/],
    ];
    // Rules are compared when both runs recorded one (SEED-Bench by generation vs by likelihood).
    const byGeneration = writeSyntheticRun(folder, { runId: 'seed-generation', task: 'seed-bench', metric: 'choice_accuracy', scores, scoringRule: 'seed-bench-choice' });
    await assert.rejects(
      compareRuns(byGeneration, writeSyntheticRun(folder, { runId: 'seed-likelihood', task: 'seed-bench', metric: 'choice_accuracy', scores, scoringRule: 'seed-bench-likelihood' })),
      /scoring rule differs \(baseline seed-bench-choice, candidate seed-bench-likelihood\)/,
    );
    for (const [name, options, reason] of cases) {
      const candidate = writeSyntheticRun(folder, options);
      await assert.rejects(compareRuns(baseline, candidate), (error: unknown) => {
        assert.ok(error instanceof IncompatibleRunsError, name);
        assert.match(error.message, reason);
        assert.match(error.message, /--force/);
        return true;
      });
    }
  });

  it('refuses video tasks whose frame sampling differs; the caller says which tasks are video tasks', async () => {
    const video = (frames: number) => ({ frames, sampler: 'uniform' as const });
    const isVideoTask = (task: string) => task === 'msvd-qa';
    const frames8 = writeSyntheticRun(folder, { runId: 'msvd-8', task: 'msvd-qa', scores, video: video(8) });
    const frames16 = writeSyntheticRun(folder, { runId: 'msvd-16', task: 'msvd-qa', scores, video: video(16) });
    await assert.rejects(compareRuns(frames8, frames16, {}, { isVideoTask }), /msvd-qa 0-shot: video frame sampling differs \(baseline \{"frames":8,"sampler":"uniform"\}, candidate \{"frames":16/);
    // An image task of a run that also held video tasks: the frames never reached its inputs.
    const image8 = writeSyntheticRun(folder, { runId: 'gqa-8', task: 'gqa', scores, video: video(8) });
    const image16 = writeSyntheticRun(folder, { runId: 'gqa-16', task: 'gqa', scores, video: video(16) });
    assert.deepEqual((await compareRuns(image8, image16, {}, { isVideoTask })).units[0]!.reasons, []);
    // Not told which tasks are video tasks: frames are compared for every task, never looser.
    await assert.rejects(compareRuns(image8, image16), /gqa 0-shot: video frame sampling differs/);
  });

  it('refuses runs that share no task × shots', async () => {
    const vqa = writeSyntheticRun(folder, { runId: 'other-task', task: 'vqav2', scores });
    await assert.rejects(compareRuns(baseline, vqa), /nothing to compare: the baseline has gqa 0-shot; the candidate has vqav2 0-shot/);
  });

  it('--force compares anyway and keeps the reason; skip leaves the unit out', async () => {
    const candidate = writeSyntheticRun(folder, { runId: 'forced', task: 'gqa', scores, version: 3 });
    const forced = (await compareRuns(baseline, candidate, { incompatible: 'force' })).units[0]!;
    assert.equal(forced.forced, true);
    assert.ok(forced.paired);
    assert.match(forced.reasons[0]!, /task version differs/);
    const skipped = (await compareRuns(baseline, candidate, { incompatible: 'skip' })).units[0]!;
    assert.equal(skipped.status, 'not-compared');
    assert.equal(skipped.paired, undefined);
  });

  it('exit codes: 1 refused with the reason, 0 forced without a regression, 3 on a regression, 2 on bad flags', async () => {
    const other = writeSyntheticRun(folder, { runId: 'cli-v2', task: 'gqa', scores, version: 2 });
    const refused = await runCli(['compare', baseline, other]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /refusing to compare: [\s\S]*gqa 0-shot: task version differs \(baseline 1, candidate 2\)/);
    const forced = await runCli(['compare', baseline, other, '--force', '--json']);
    assert.equal(forced.code, 0);
    assert.equal(forced.stdout.trim().split('\n').length, 1);
    assert.equal(JSON.parse(forced.stdout).units[0].forced, true);
    assert.match(forced.stderr, /compared under --force/);
    const worse = writeSyntheticRun(folder, { runId: 'cli-worse', task: 'gqa', scores: scores.map(() => 0) });
    const regressed = await runCli(['compare', baseline, worse]);
    assert.equal(regressed.code, 3);
    assert.match(regressed.stdout, /REGRESSION in 1 of 1 task × shots compared/);
    assert.equal((await runCli(['compare', baseline, worse, '--threshold', '100'])).code, 0);
    assert.equal((await runCli(['compare', baseline, worse, '--alpha', '2'])).code, 2);
    const markdown = path.join(folder, 'compare.md');
    assert.equal((await runCli(['compare', baseline, worse, '--out', markdown])).code, 3);
    assert.match(readFileSync(markdown, 'utf8'), /^# emu-eval comparison\n[\s\S]*\| gqa 0-shot \| 50 \|/);
  });
});
