import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { publishedBaselines } from '../../reports/baselines/published.js';
import { collectRuns } from '../../reports/collect.js';
import { buildComparison } from '../../reports/compare-rows.js';
import { LONG_COLUMNS, formatLongCsv, formatWideCsv, longRecords } from '../../reports/csv.js';
import { runCli, temporaryFolder } from '../helpers/cli.js';
import { addShotResults, replayRun } from './helpers.js';

const awkwardName = 'Emu "tiny", v2\nsecond line';

test('the long leaderboard CSV round-trips through csv-parse: RFC 4180 quoting, CRLF, stable columns', async () => {
  const out = temporaryFolder();
  const run = await replayRun(out, 'vqav2', { wrongEvery: 3 });
  addShotResults(run, { 4: 55.5, 8: 57.25 });
  const comparison = buildComparison(collectRuns([run], { paramsOverride: 37e9, modelLabel: awkwardName }), publishedBaselines, { scope: 'our-benchmarks' });
  const records = longRecords(comparison);
  const csv = formatLongCsv(records);
  assert.ok(csv.includes('\r\n'));
  assert.ok(!/[^\r]\n(?!second line)/.test(csv), 'every record ends with CRLF');
  const parsed = parse(csv, { columns: true, record_delimiter: '\r\n' }) as Array<Record<string, string>>;
  assert.deepEqual(Object.keys(parsed[0]!), [...LONG_COLUMNS]);
  assert.deepEqual(parsed, records);
  const ours = parsed.filter((row) => row.kind === 'ours');
  assert.deepEqual(
    ours.map((row) => [row.model, row.shots]),
    [0, 4, 8].map((shots) => [`${awkwardName} (ours)`, String(shots)]),
  );
  assert.deepEqual(ours.slice(1).map((row) => row.score), ['55.5', '57.25']);
  assert.ok(ours.every((row) => row.params_b === '37' && row.run_id !== '' && row.date !== '' && row.notes.includes('synthetic sample — not comparable')));
  const cogvlm = parsed.find((row) => row.model === 'CogVLM')!;
  assert.equal(cogvlm.score, '83.4');
  assert.equal(cogvlm.trained_on_train_split, 'yes');
  assert.equal(cogvlm.source, 'Emu2 paper (arXiv 2312.13286v2) Table 2');
  assert.match(cogvlm.size_adjusted, /^-?\d+(\.\d+)?$/);
});

test('the wide CSV has one row per model and one column per benchmark × shots × protocol, in a fixed order', () => {
  const comparison = buildComparison([], publishedBaselines.filter((row) => row.benchmark === 'VQAv2'), { scope: 'all' });
  const { csv, rows } = formatWideCsv(comparison);
  const parsed = parse(csv, { columns: true }) as Array<Record<string, string>>;
  assert.equal(parsed.length, rows);
  const header = Object.keys(parsed[0]!);
  assert.deepEqual(header.slice(0, 5), ['model', 'kind', 'params_b', 'params_basis', 'params_certainty']);
  assert.deepEqual(header.slice(5, 9), ['VQAv2 0-shot', 'VQAv2 0* (text-only demos)', 'VQAv2 0-shot (instruction)', 'VQAv2 0-shot (instruction, trained on train split)']);
  assert.deepEqual(header.slice(-2), ['sources', 'notes']);
  const byModel = new Map(parsed.map((row) => [row.model, row]));
  // Emu2's true zero-shot and Emu2-Chat's instruction number never share a column.
  assert.equal(byModel.get('Emu2')!['VQAv2 0-shot'], '33.5');
  assert.equal(byModel.get('Emu2')!['VQAv2 0-shot (instruction, trained on train split)'], '');
  assert.equal(byModel.get('Emu2-Chat')!['VQAv2 0-shot (instruction, trained on train split)'], '84.9');
  assert.equal(byModel.get('Flamingo-80B')!['VQAv2 0* (text-only demos)'], '56.3');
  assert.equal(byModel.get('Flamingo-80B')!['VQAv2 16-shot (random)'], '66.8');
  assert.equal(byModel.get('Emu2')!['VQAv2 16-shot (RICES)'], '68.8');
  assert.equal(byModel.get('LLaVA-1.5-13B')!.params_certainty, 'derived');
  // Same inputs, same bytes: nightly diffs show changed numbers, not moved columns.
  assert.equal(formatWideCsv(buildComparison([], [...publishedBaselines].reverse().filter((row) => row.benchmark === 'VQAv2'), { scope: 'all' })).csv, csv);
});

test('leaderboard writes long and wide files from run directories', async () => {
  const out = temporaryFolder();
  const run = await replayRun(out, 'okvqa', { protocol: 'emu2-chat', wrongEvery: 4 });
  const long = path.join(out, 'long.csv');
  const wide = path.join(out, 'wide.csv');
  const first = await runCli(['leaderboard', run, '--with-baselines', '--params', '37B', '--trained-on', 'okvqa', '--out', long]);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /wrote \d+ rows/);
  assert.match(first.stderr, /synthetic sample — not comparable/);
  const longRows = parse(readFileSync(long, 'utf8'), { columns: true }) as Array<Record<string, string>>;
  assert.ok(longRows.some((row) => row.kind === 'ours' && row.benchmark === 'OKVQA' && row.trained_on_train_split === 'yes'));
  assert.ok(longRows.some((row) => row.model === 'Flamingo-80B' && row.shot_style === 'text-two-shot'));
  assert.ok(longRows.every((row) => row.benchmark === 'OKVQA'));
  const second = await runCli(['leaderboard', run, '--wide', '--json', '--out', wide]);
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(JSON.parse(second.stdout).format, 'wide');
  const wideRows = parse(readFileSync(wide, 'utf8'), { columns: true }) as Array<Record<string, string>>;
  assert.equal(wideRows.length, 1);
  assert.equal(wideRows[0]!.kind, 'ours');
  assert.equal((await runCli(['leaderboard', '--out', wide])).code, 2);
});
