import assert from 'node:assert/strict';
import { test } from 'node:test';
import { publishedBaselines } from '../../reports/baselines/published.js';
import { attachToGroup, groupByProtocol, incompatibilities, protocolId, protocolOfBaseline } from '../../reports/baselines/compatibility.js';
import { collectRuns } from '../../reports/collect.js';
import { buildComparison, SYNTHETIC_MARK } from '../../reports/compare-rows.js';
import { runCli, temporaryFolder, writeGoldPredictions } from '../helpers/cli.js';
import { addShotResults, asRealData, replayRun } from './helpers.js';

test('protocol-incompatible rows are never put in the same group or the same fit', () => {
  const comparison = buildComparison([], publishedBaselines, { scope: 'all' });
  const seen = new Set<string>();
  for (const group of comparison.groups) {
    assert.ok(!seen.has(group.id), `one group per protocol: ${group.id}`);
    seen.add(group.id);
    for (const row of group.rows) {
      assert.equal(protocolId(protocolOfBaseline(row.baseline!)), group.id, `${row.model} in ${group.title}`);
      assert.deepEqual(incompatibilities(protocolOfBaseline(row.baseline!), group.key), []);
    }
    // The fit sees exactly the group's rows that have a count: nothing from another protocol.
    assert.equal(group.fit.points, group.rows.filter((row) => row.params !== undefined).length);
  }
  const vqav2ZeroShot = comparison.groups.filter((group) => group.key.benchmark === 'VQAv2' && group.key.shots === 0);
  const models = (style: string, trained?: boolean) =>
    vqav2ZeroShot
      .filter((group) => group.key.shotStyle === style && (trained === undefined || group.key.trainedOnTrainSplit === trained))
      .flatMap((group) => group.rows.map((row) => row.model))
      .sort();
  assert.deepEqual(models('zero'), ['Emu2']);
  assert.deepEqual(models('text-two-shot'), ['Emu-14B', 'Flamingo-80B', 'Flamingo-9B', 'IDEFICS-80B', 'Kosmos-1']);
  assert.deepEqual(models('instruction', true), ['CogVLM', 'CogVLM-Chat-v2paper', 'Emu2-Chat', 'LLaVA-1.5-13B', 'Qwen-VL-Chat', 'Shikra-13B']);
  assert.deepEqual(models('instruction', false), ['Emu-I', 'IDEFICS-9B']);
  const fourShot = comparison.groups.filter((group) => group.key.benchmark === 'VQAv2' && group.key.shots === 4);
  assert.deepEqual(fourShot.map((group) => [group.key.demoSelection, group.rows.map((row) => row.model).sort()]).sort(), [
    ['RICES', ['Emu2']],
    ['random', ['Emu-14B', 'Flamingo-80B', 'Flamingo-9B', 'IDEFICS-80B', 'Kosmos-1']],
  ]);
});

test('incompatibilities name what differs, in words a reader can check', () => {
  const emu2 = protocolOfBaseline(publishedBaselines.find((row) => row.model === 'Emu2' && row.benchmark === 'VQAv2' && row.shots === 0)!);
  const flamingo = protocolOfBaseline(publishedBaselines.find((row) => row.model === 'Flamingo-80B' && row.benchmark === 'VQAv2' && row.shots === 0)!);
  assert.deepEqual(incompatibilities(flamingo, emu2), ['0* (two text-only demonstrations, Flamingo style) vs true zero-shot']);
  const groups = groupByProtocol(publishedBaselines);
  const attached = attachToGroup({ ...emu2, split: 'val' }, groups);
  assert.equal(attached.kind, 'split-differs');
  if (attached.kind === 'split-differs') assert.match(attached.note, /ours val, published test-dev/);
  const none = attachToGroup({ ...emu2, benchmark: 'GQA', split: 'test-dev', metric: 'exact_match' }, groups);
  assert.equal(none.kind, 'none');
  if (none.kind === 'none') assert.match(none.reason, /closest: true zero-shot vs instruction-tuned/);
});

test('our runs map onto the published protocol columns: base preset = true zero-shot, chat preset = instruction', async () => {
  const out = temporaryFolder();
  const base = await replayRun(out, 'vqav2', { wrongEvery: 2 });
  const chat = await replayRun(out, 'okvqa', { protocol: 'emu2-chat', wrongEvery: 3 });
  const gqa = await replayRun(out, 'gqa', { wrongEvery: 2 });
  addShotResults(base, { 4: 58.2 });
  const ours = collectRuns([base, chat, gqa], { trainedOn: ['okvqa'], paramsOverride: 14e9 });
  const byKey = new Map(ours.map((result) => [`${result.task}/${result.shots}`, result]));
  assert.equal(byKey.get('vqav2/0')!.protocol.shotStyle, 'zero');
  assert.equal(byKey.get('vqav2/4')!.protocol.shotStyle, 'few');
  assert.equal(byKey.get('vqav2/4')!.protocol.demoSelection, 'random');
  assert.match(byKey.get('vqav2/4')!.protocolNotes.join(), /assumed random/);
  assert.equal(byKey.get('okvqa/0')!.protocol.shotStyle, 'instruction');
  assert.equal(byKey.get('okvqa/0')!.protocol.trainedOnTrainSplit, true);
  assert.equal(byKey.get('gqa/0')!.protocol.split, 'test-dev');
  assert.equal(byKey.get('vqav2/0')!.params!.total, 14);

  const comparison = buildComparison(ours, publishedBaselines);
  const groupOf = (task: string, shots: number) => comparison.groups.find((group) => group.rows.some((row) => row.result?.task === task && row.result.shots === shots))!;
  // Our 4-shot random-demo run sits with Flamingo/IDEFICS (random), never with Emu2's RICES numbers.
  assert.deepEqual(groupOf('vqav2', 4).rows.filter((row) => row.kind === 'baseline').map((row) => row.model).sort(), ['Emu-14B', 'Flamingo-80B', 'Flamingo-9B', 'IDEFICS-80B', 'Kosmos-1']);
  assert.ok(comparison.excluded.some((entry) => entry.models.includes('Emu2') && /RICES vs random/.test(entry.reason)));
  assert.ok(comparison.excluded.some((entry) => entry.models.includes('Flamingo-80B') && /0\*/.test(entry.reason)));
  assert.deepEqual(groupOf('okvqa', 0).rows.filter((row) => row.kind === 'baseline').map((row) => row.model).sort(), ['CogVLM', 'CogVLM-Chat-v2paper', 'Emu2-Chat', 'Qwen-VL-Chat']);
  // No one published true zero-shot GQA: our row still appears, in a group of its own, with the reason.
  const gqaGroup = groupOf('gqa', 0);
  assert.deepEqual(gqaGroup.rows.map((row) => row.kind), ['ours']);
  assert.match(gqaGroup.notes.join(), /no published GQA numbers under this protocol/);

  // Synthetic-sample rows are marked and never ranked, nor do they push a published model off the frontier.
  const ourZero = groupOf('vqav2', 0).rows.find((row) => row.kind === 'ours')!;
  assert.ok(ourZero.marks.includes(SYNTHETIC_MARK));
  assert.ok(ourZero.marks.some((mark) => /split differs: ours val, published test-dev/.test(mark)));
  assert.equal(ourZero.pareto.status, 'not ranked');
  assert.deepEqual(groupOf('vqav2', 0).rows.find((row) => row.model === 'Emu2')!.pareto, { status: 'frontier' });
});

test('a run on real data is ranked against the published numbers', async () => {
  const run = await replayRun(temporaryFolder(), 'vqav2', { wrongEvery: 2 });
  asRealData(run, 'test-dev');
  const comparison = buildComparison(collectRuns([run], { paramsOverride: 14e9, modelLabel: 'my-emu' }), publishedBaselines);
  const group = comparison.groups[0]!;
  const ours = group.rows.find((row) => row.kind === 'ours')!;
  assert.deepEqual(ours.marks, []);
  assert.equal(ours.model, 'my-emu (ours)');
  assert.equal(ours.pareto.status, 'frontier');
  // 50.0 at 14B beats Emu2's true zero-shot 33.5 at 37B.
  assert.deepEqual(group.rows.find((row) => row.model === 'Emu2')!.pareto, { status: 'dominated', by: ['my-emu (ours)'] });
});

test('a real few-shot run: RICES demos sit with Emu2, trials are averaged with their spread', async () => {
  const out = temporaryFolder();
  const predictions = `${out}/gold.json`;
  await writeGoldPredictions('okvqa', predictions, { wrongEvery: 3 });
  const random = await runCli(['run', 'okvqa', '--model', `replay:${predictions}`, '--shots', '0,4', '--seeds', '1,2', '--out', out, '--json', '--quiet']);
  assert.equal(random.code, 0, random.stderr);
  const ours = collectRuns([JSON.parse(random.stdout).runDirectory], { paramsOverride: 37e9 });
  const fourShot = ours.find((result) => result.shots === 4)!;
  assert.equal(fourShot.protocol.demoSelection, 'random');
  assert.deepEqual(fourShot.protocolNotes, []);
  assert.equal(fourShot.trials, 2);
  assert.ok(fourShot.trialStandardDeviation !== null && fourShot.ci95 === null);
  const comparison = buildComparison(ours, publishedBaselines);
  const group = comparison.groups.find((candidate) => candidate.key.shots === 4)!;
  assert.equal(group.key.demoSelection, 'random');
  assert.ok(group.rows.some((row) => row.model === 'Flamingo-80B') && !group.rows.some((row) => row.model === 'Emu2'));
  // RICES would be recorded as config.demos = 'rices' and compared with Emu2's RICES numbers.
  const rices = collectRuns([JSON.parse(random.stdout).runDirectory], { paramsOverride: 37e9 }).map((result) => ({
    ...result,
    protocol: { ...result.protocol, demoSelection: result.shots > 0 ? ('RICES' as const) : ('-' as const) },
  }));
  const ricesGroup = buildComparison(rices, publishedBaselines).groups.find((candidate) => candidate.key.shots === 4)!;
  assert.deepEqual(ricesGroup.rows.filter((row) => row.kind === 'baseline').map((row) => row.model), ['Emu2']);
});

test("a flamingo-preset run's 0-shot is 0* and sits with Flamingo's 0* numbers, not Emu2's true zero-shot", async () => {
  const out = temporaryFolder();
  const predictions = `${out}/gold.json`;
  await writeGoldPredictions('vqav2', predictions);
  const run = await runCli(['run', 'vqav2', '--model', `replay:${predictions}`, '--protocol', 'flamingo', '--out', out, '--json', '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  const [result] = collectRuns([JSON.parse(run.stdout).runDirectory]);
  assert.equal(result!.protocol.shotStyle, 'text-two-shot');
  const group = buildComparison([result!], publishedBaselines).groups[0]!;
  assert.deepEqual(group.rows.filter((row) => row.kind === 'baseline').map((row) => row.model).sort(), ['Emu-14B', 'Flamingo-80B', 'Flamingo-9B', 'IDEFICS-80B', 'Kosmos-1']);
});
