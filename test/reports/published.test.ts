import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { DataError } from '../../core/errors.js';
import { publishedBaselines } from '../../reports/baselines/published.js';
import { ourMetricId } from '../../reports/baselines/published-metrics.js';
import { filterBaselines, loadBaselines, readBaselineFile } from '../../reports/baselines/registry.js';
import { readCsvRecords } from '../../reports/baselines/read-csv.js';
import { benchmarkName } from '../../reports/benchmark-names.js';
import { temporaryFolder } from '../helpers/cli.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const readFixture = (name: string) => parse(readFileSync(path.join(fixtures, name), 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
// The two published CSVs, in order: VQA, captioning-free few-shot and video numbers, then the instruction-following benchmarks.
const csvRows = [...readFixture('published.csv'), ...readFixture('published-instruction-benchmarks.csv')];

test('every built-in baseline row equals its row of the published CSVs, in order (metric words as our metric ids)', () => {
  assert.equal(publishedBaselines.length, csvRows.length);
  csvRows.forEach((expected, index) => {
    const row = publishedBaselines[index]!;
    const where = `row ${index + 2} (${expected.model} ${expected.benchmark} ${expected.shots})`;
    assert.deepEqual(
      {
        model: row.model,
        params_b: row.params.total,
        params_source: row.params.note,
        benchmark: row.benchmark,
        split: row.split,
        metric: row.metric,
        shots: row.shots,
        shot_style: row.shotStyle,
        demo_selection: row.demoSelection,
        trained_on_train_split: row.trainedOnTrainSplit ? 'yes' : 'no',
        score: row.score,
        source: row.source,
      },
      { ...expected, metric: ourMetricId(expected.benchmark!, expected.metric!), params_b: Number(expected.params_b), shots: Number(expected.shots), score: Number(expected.score) },
      where,
    );
  });
});

test('derived and uncertain parameter counts are flagged; component counts never exceed the total', () => {
  for (const row of publishedBaselines) {
    const expected = /^derived/.test(row.params.note) ? 'derived' : /^uncertain/.test(row.params.note) ? 'uncertain' : 'published';
    assert.equal(row.params.certainty, expected, row.model);
    const components = (row.params.vision ?? 0) + (row.params.projection ?? 0) + (row.params.language ?? 0);
    // Qwen-VL's components (1.9 + 0.08 + 7.7 = 9.68) round to a published 9.6: allow that much.
    assert.ok(components <= row.params.total + 0.1, `${row.model}: components ${components} > total ${row.params.total}`);
  }
  const flagged = [...new Set(publishedBaselines.filter((row) => row.params.certainty !== 'published').map((row) => row.model))].sort();
  assert.deepEqual(flagged, ['BLIP-2-13B', 'InstructBLIP-13B', 'Kosmos-2', 'LLaVA-1.5-13B', 'Shikra-13B']);
});

test('the registry filters by task id or benchmark name and by shots', () => {
  const rows = filterBaselines(loadBaselines(), { benchmark: 'vqav2', shots: 0 }, benchmarkName);
  assert.ok(rows.length > 0);
  assert.ok(rows.every((row) => row.benchmark === 'VQAv2' && row.shots === 0));
  assert.deepEqual(
    rows.filter((row) => row.model === 'Emu2-Chat' || row.model === 'CogVLM').map((row) => [row.model, row.score]),
    [
      ['Emu2-Chat', 84.9],
      ['CogVLM', 83.4],
    ],
  );
  assert.equal(filterBaselines(loadBaselines(), { benchmark: 'MSVD-QA', shots: 32 }, benchmarkName).length, 3);
});

const userHeader = 'model,params_b,params_source,params_language_b,benchmark,split,metric,shots,shot_style,demo_selection,trained_on_train_split,score,source';

test('user rows come from CSV (RFC 4180 quoting) or JSON, and replace a built-in row reporting the same thing', () => {
  const folder = temporaryFolder();
  const csvFile = path.join(folder, 'mine.csv');
  writeFileSync(
    csvFile,
    `${userHeader}\r\n"Our ""big"", model",34,"declared, model card",33,VQAv2,test-dev,vqa_accuracy,0,zero,-,no,41.5,"internal report, 2024"\r\nCogVLM,17.6,CogVLM README corrected,7,VQAv2,test-dev,vqa_accuracy,0,instruction,-,yes,83.4,Emu2 paper (arXiv 2312.13286v2) Table 2\r\n`,
  );
  const rows = readBaselineFile(csvFile);
  assert.equal(rows[0]!.model, 'Our "big", model');
  assert.equal(rows[0]!.params.language, 33);
  assert.equal(rows[0]!.source, 'internal report, 2024');
  assert.equal(rows[0]!.origin, csvFile);
  const merged = loadBaselines([csvFile]);
  assert.equal(merged.length, publishedBaselines.length + 1);
  const cogvlm = merged.filter((row) => row.model === 'CogVLM' && row.benchmark === 'VQAv2');
  assert.equal(cogvlm.length, 1);
  assert.equal(cogvlm[0]!.params.total, 17.6);

  const jsonFile = path.join(folder, 'mine.json');
  writeFileSync(jsonFile, JSON.stringify([{ model: 'J', params_b: 7, params_source: 'derived: guess', benchmark: 'GQA', split: 'test-dev', metric: 'exact_match', shots: 0, shot_style: 'instruction', demo_selection: '-', trained_on_train_split: true, score: 55 }]));
  assert.throws(() => readBaselineFile(jsonFile), (error: unknown) => error instanceof DataError && /\[0\]\.source/.test(error.message));
});

test('a bad user row names the file, the line and the field', () => {
  const file = path.join(temporaryFolder(), 'bad.csv');
  writeFileSync(file, `${userHeader}\nX,7,card,,VQAv2,test-dev,vqa_accuracy,0,zero,-,no,41.5,paper\nY,7,card,,VQAv2,test-dev,vqa_accuracy,0,zero-ish,-,no,141,paper\n`);
  assert.throws(
    () => readBaselineFile(file),
    (error: unknown) => error instanceof DataError && error.file === file && /line 3\.shot_style/.test(error.message) && /line 3\.score/.test(error.message),
  );
});

test('the CSV reader handles quotes, embedded line breaks and CRLF like csv-parse', () => {
  const text = 'a,b,c\r\n"1, one","say ""hi""","two\r\nlines"\r\nplain,,end\r\n';
  assert.deepEqual(readCsvRecords(text), parse(text) as string[][]);
});
