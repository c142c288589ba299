import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { HISTORY_LOCK_FILE } from '../../artifact/history/history-lock.js';
import type { NightRecord } from '../../artifact/history/night-record.js';
import { runCli, temporaryFolder, writeGoldPredictions } from '../helpers/cli.js';

// A scripted history built with the replay runner: three nights (the third with a drop), a failed
// night that must not become a baseline, and the commands that read the history.

const SUITE = `
name: replay-nightly
description: replay-runner suite for the nightly tests
entries:
  - name: vqa
    tasks: [vqav2, okvqa]
    protocol: emu2
  - name: gqa
    tasks: [gqa]
    protocol: emu2
`;

/** One predictions file answering every task of the suite; every `wrongEvery`-th answer of a task is wrong. */
async function writeNightPredictions(folder: string, file: string, wrongEvery: Record<string, number>): Promise<void> {
  const merged: unknown[] = [];
  for (const task of ['vqav2', 'okvqa', 'gqa']) {
    const part = path.join(folder, `part-${task}.json`);
    await writeGoldPredictions(task, part, { wrongEvery: wrongEvery[task] ?? 1000 });
    merged.push(...(JSON.parse(readFileSync(part, 'utf8')) as unknown[]));
  }
  writeFileSync(file, JSON.stringify(merged));
}

function nightFolders(history: string): string[] {
  return readdirSync(history).filter((name) => /^\d{4}-\d{2}-\d{2}-[0-9a-f]{6}$/.test(name)).sort();
}

function readNight(history: string, date: string): NightRecord {
  const folder = nightFolders(history).find((name) => name.startsWith(date))!;
  return JSON.parse(readFileSync(path.join(history, folder, 'night.json'), 'utf8')) as NightRecord;
}

test('nightly: three replayed nights, a flagged regression, a failed night that is never a baseline, history and compare', async () => {
  const work = temporaryFolder('emu-eval-nightly-');
  const history = path.join(work, 'history');
  const suiteFile = path.join(work, 'replay-nightly.yaml');
  writeFileSync(suiteFile, SUITE);
  const predictions = path.join(work, 'predictions.json');
  const nightly = (date: string, model = `replay:${predictions}`) =>
    runCli(['nightly', '--suite', suiteFile, '--model', model, '--label', 'emu2-dev', '--history', history, '--date', date, '--json', '--quiet']);

  await writeNightPredictions(work, predictions, { vqav2: 10, okvqa: 10, gqa: 8 });
  const first = await nightly('2024-05-01');
  assert.equal(first.code, 0, first.stderr);
  const firstJson = JSON.parse(first.stdout);
  assert.equal(firstJson.baseline, null);
  assert.match(firstJson.baselineNote, /first finished night/);

  const second = await nightly('2024-05-02');
  assert.equal(second.code, 0, second.stderr);
  const secondJson = JSON.parse(second.stdout);
  assert.equal(secondJson.baseline.date, '2024-05-01');
  assert.equal(secondJson.regressed, false);
  assert.ok(secondJson.comparison.units.every((unit: { status: string; paired: { delta: number } }) => unit.status === 'unchanged' && unit.paired.delta === 0));

  // Night 3: VQAv2 answers half wrong instead of one in ten.
  await writeNightPredictions(work, predictions, { vqav2: 2, okvqa: 10, gqa: 8 });
  const third = await nightly('2024-05-03');
  assert.equal(third.code, 3, third.stderr);
  const thirdJson = JSON.parse(third.stdout);
  assert.equal(thirdJson.baseline.date, '2024-05-02');
  const vqav2 = thirdJson.comparison.units.find((unit: { task: string }) => unit.task === 'vqav2');
  assert.equal(vqav2.status, 'regressed');
  assert.ok(vqav2.paired.delta < -30 && vqav2.paired.pValue < 0.001, JSON.stringify(vqav2.paired));
  assert.ok(vqav2.flipped.samples.length > 0 && vqav2.flipped.samples[0].candidate.output === 'zebra crossing');
  assert.equal(thirdJson.comparison.units.filter((unit: { status: string }) => unit.status === 'regressed').length, 1);
  const nightFolder = thirdJson.folder as string;
  for (const file of ['report.md', 'report.html', 'charts/trend-vqav2.png', 'charts/trend-okvqa.png', 'charts/trend-gqa.png', 'suite.json', 'vqa/run.json', 'gqa/samples.jsonl']) {
    assert.ok(existsSync(path.join(nightFolder, file)), file);
  }
  const report = readFileSync(path.join(nightFolder, 'report.md'), 'utf8');
  assert.match(report, /\*\*REGRESSION: 1 task × shots regressed against 2024-05-02-/);
  assert.match(report, /vqa · vqav2 0-shot: \d+ samples scored lower/);
  assert.match(report, /\| vqa · vqav2 0-shot \| [\d.]+ \| [\d.]+ \| [\d.]+ ▼ \|/);

  // A failed night (the predictions file is gone) is recorded, exits 1, and is never a baseline.
  const failed = await nightly('2024-05-04', `replay:${path.join(work, 'missing.json')}`);
  assert.equal(failed.code, 1);
  assert.equal(readNight(history, '2024-05-04').status, 'failed');
  const fifth = await nightly('2024-05-05');
  assert.equal(fifth.code, 0, fifth.stderr);
  assert.equal(JSON.parse(fifth.stdout).baseline.date, '2024-05-03');

  // The leaderboard CSV: a header and one row per finished night × entry × task × shots.
  const csv = readFileSync(path.join(history, 'leaderboard.csv'), 'utf8').split('\r\n').filter(Boolean);
  assert.equal(csv.length, 1 + 4 * 3);
  assert.match(csv[0]!, /^date,night,label,model,suite,entry,task,split,shots,protocol,metric,score,/);
  assert.ok(csv.some((row) => row.startsWith('2024-05-03,') && row.includes(',vqav2,') && row.endsWith(',regressed')));

  // history: the trend without running anything.
  const table = await runCli(['history', history]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /emu2-dev · suite replay-nightly · 4 finished night\(s\)/);
  assert.match(table.stdout, /vqa · vqav2 0-shot .*▼/);
  assert.match(table.stdout, /not finished: 2024-05-04-[0-9a-f]+: failed/);
  const charts = path.join(work, 'charts');
  const json = await runCli(['history', history, '--json', '--charts', charts, '--last', '3']);
  const parsed = JSON.parse(json.stdout);
  assert.equal(parsed.trends[0].nights.length, 3);
  assert.deepEqual(readdirSync(charts).sort(), ['trend-gqa.png', 'trend-okvqa.png', 'trend-vqav2.png']);

  // compare on two nights' suite runs: exit 3 on the regression, 0 between identical nights.
  const [night1, night2, night3] = nightFolders(history).map((name) => path.join(history, name));
  assert.equal((await runCli(['compare', night1!, night2!])).code, 0);
  const compared = await runCli(['compare', night2!, night3!]);
  assert.equal(compared.code, 3);
  assert.match(compared.stdout, /vqa · vqav2 0-shot .* REGRESSION/);
  assert.match(compared.stdout, /zebra crossing/);
  // One entry's run directory against a whole suite run is refused as a usage error.
  assert.equal((await runCli(['compare', path.join(night2!, 'vqa'), night3!])).code, 2);
});

test('nightly: a live lock refuses a second nightly on the same history; a stale one is taken over', async () => {
  const work = temporaryFolder('emu-eval-nightly-lock-');
  const history = path.join(work, 'history');
  const suiteFile = path.join(work, 'suite.yaml');
  writeFileSync(suiteFile, SUITE.replace(/  - name: vqa[\s\S]*?(?=  - name: gqa)/, ''));
  const predictions = path.join(work, 'predictions.json');
  await writeNightPredictions(work, predictions, {});
  const args = ['nightly', '--suite', suiteFile, '--model', `replay:${predictions}`, '--history', history, '--quiet'];
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  try {
    mkdirSync(history, { recursive: true });
    writeFileSync(path.join(history, HISTORY_LOCK_FILE), `${sleeper.pid}\n`);
    const refused = await runCli(args);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`in use by another emu-eval nightly \\(pid ${sleeper.pid}`));
    assert.equal(nightFolders(history).length, 0);
  } finally {
    sleeper.kill();
  }
  await new Promise((resolve) => sleeper.once('exit', resolve));
  const taken = await runCli(args);
  assert.equal(taken.code, 0, taken.stderr);
  assert.match(taken.stderr, new RegExp(`took over the history lock of process ${sleeper.pid}`));
  assert.equal(existsSync(path.join(history, HISTORY_LOCK_FILE)), false);
});
