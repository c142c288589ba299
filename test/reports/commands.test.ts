import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, temporaryFolder, writeGoldPredictions } from '../helpers/cli.js';
import { replayRun } from './helpers.js';

test('baselines prints Emu2-Chat beside CogVLM (Table 2) on VQAv2, OKVQA and TextVQA, with normalized columns', async () => {
  for (const [task, emu2Chat, cogvlm] of [
    ['vqav2', '84.9', '83.4'],
    ['okvqa', '64.8', '58.9'],
    ['textvqa', '66.6', '68.1'],
  ] as const) {
    const { code, stdout } = await runCli(['baselines', '--task', task, '--shots', '0']);
    assert.equal(code, 0);
    const block = stdout.split('\n\n').find((part) => part.includes('trained on the train split (*)') && part.includes('instruction-tuned'))!;
    assert.ok(block, `${task}: an instruction-tuned, trained-on-train group`);
    assert.match(block, /size-adj\.\s+│ param-equiv\.\s+│ pts\/B\s+│ Pareto/);
    assert.match(block, new RegExp(`Emu2-Chat\\s+│ 37B\\s+│ ${emu2Chat.replace('.', '\\.')}`));
    assert.match(block, new RegExp(`CogVLM\\s+│ 17B\\s+│ ${cogvlm.replace('.', '\\.')}`));
    assert.match(block, /trend over \d published models/);
  }
});

test('baselines --json: the rows and their groups; unknown task is a usage error', async () => {
  const { code, stdout } = await runCli(['baselines', '--task', 'VQAv2', '--shots', '4', '--json']);
  assert.equal(code, 0);
  const parsed = JSON.parse(stdout);
  assert.equal(parsed.count, 6);
  assert.deepEqual(parsed.comparison.groups.map((group: { protocol: { demoSelection: string } }) => group.protocol.demoSelection).sort(), ['RICES', 'random']);
  assert.equal((await runCli(['baselines', '--task', 'nonsense'])).code, 2);
});

test('report: our replayed run beside Emu2-Chat and CogVLM with normalized columns; synthetic data marked', async () => {
  const out = temporaryFolder();
  const runs = [];
  for (const task of ['vqav2', 'okvqa', 'textvqa']) runs.push(await replayRun(out, task, { protocol: 'emu2-chat', wrongEvery: 4 }));
  const { code, stdout } = await runCli(['report', ...runs, '--params', '37B', '--trained-on', 'vqav2,okvqa,textvqa', '--label', 'Emu2-Chat replay']);
  assert.equal(code, 0);
  assert.match(stdout, /synthetic sample — not comparable/);
  for (const benchmark of ['VQAv2 test-dev', 'OKVQA val', 'TextVQA val']) {
    const block = stdout.split('\n\n').find((part) => part.startsWith(`${benchmark} · vqa_accuracy · 0-shot, instruction-tuned`))!;
    assert.ok(block, benchmark);
    for (const model of ['Emu2-Chat replay (ours)', 'Emu2-Chat ', 'CogVLM ', 'Qwen-VL-Chat']) assert.ok(block.includes(model), `${benchmark}: ${model}`);
    assert.match(block, /not ranked/);
  }
  assert.match(stdout, /Not compared \(different protocol\):[\s\S]*Flamingo-80B[\s\S]*0\* \(two text-only demonstrations/);

  const markdown = await runCli(['report', ...runs, '--format', 'md']);
  assert.equal(markdown.code, 0);
  assert.match(markdown.stdout, /^# emu-eval comparison report/);
  assert.match(markdown.stdout, /\| model \| params \| score \| 95% CI \|/);
  assert.match(markdown.stdout, /no parameter count in run\.json/);
  const json = await runCli(['report', ...runs, '--json']);
  assert.equal(json.stdout.trim().split('\n').length, 1);
  const parsed = JSON.parse(json.stdout);
  const ours = parsed.groups.flatMap((group: { rows: Array<{ kind: string; sizeAdjusted: number | null; params?: number }> }) => group.rows.filter((row) => row.kind === 'ours'));
  // Replay runs record no parameter count: without --params the normalized columns stay empty.
  assert.ok(ours.length === 3 && ours.every((row: { sizeAdjusted: number | null; params?: number }) => row.sizeAdjusted === null && row.params === undefined));
  const csv = await runCli(['report', ...runs, '--format', 'csv', '--params', '37e9']);
  assert.match(csv.stdout.split('\r\n')[0]!, /^model,kind,benchmark,split,metric,shots/);
  assert.equal((await runCli(['report', ...runs, '--params', '37'])).code, 2);
  assert.equal((await runCli(['report', ...runs, '--json', '--format', 'html'])).code, 2);
  assert.equal((await runCli(['report', path.join(out, 'not-a-run')])).code, 1);
});

test('run ends with the comparison table; with --json the comparison is a key of the one JSON object', async () => {
  const out = temporaryFolder();
  const predictions = path.join(out, 'gold.json');
  await writeGoldPredictions('vqav2', predictions, { wrongEvery: 5 });
  const human = await runCli(['run', 'vqav2', '--model', `replay:${predictions}`, '--out', out]);
  assert.equal(human.code, 0, human.stderr);
  const comparison = human.stdout.slice(human.stdout.indexOf('Compared with published numbers:'));
  assert.ok(comparison.length > 0 && human.stdout.indexOf('│ task ') < human.stdout.indexOf('Compared with published numbers:'));
  for (const expected of [/VQAv2 test-dev · vqa_accuracy · 0-shot, true zero-shot/, /│ Emu2 +│ 37B +│ 33\.5/, /! synthetic sample — not comparable/, /no parameter count in run\.json/, /run directory: /]) {
    assert.match(comparison, expected);
  }
  const json = await runCli(['run', 'vqav2', '--model', `replay:${predictions}`, '--out', out, '--json']);
  assert.equal(json.stdout.trim().split('\n').length, 1);
  const parsed = JSON.parse(json.stdout);
  assert.equal(parsed.comparison.groups[0].rows.find((row: { kind: string }) => row.kind === 'ours').bundledSample, true);
  assert.ok(readFileSync(path.join(parsed.runDirectory, 'run.json'), 'utf8').length > 0);
});
