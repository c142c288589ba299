import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readSampleRecords, SamplesLog, sampleKey, truncateTornTail } from '../../artifact/samples-log.js';
import type { SampleRecord } from '../../artifact/schema.js';

function record(sampleId: string, score = 1): SampleRecord {
  return { task: 'vqav2', sampleId, shots: 0, trial: 0, demoIds: [], promptHash: 'abc', output: 'yes', finishReason: 'stop', extracted: 'yes', score, latencyMs: 1, meta: {} };
}

const folder = () => mkdtempSync(path.join(tmpdir(), 'emu-samples-'));

test('appended records read back in order and validated', async () => {
  const file = path.join(folder(), 'samples.jsonl');
  const log = new SamplesLog(file);
  log.append(record('1'));
  log.append(record('2', 0.3));
  log.close();
  const read = [];
  for await (const entry of readSampleRecords(file)) read.push(entry);
  assert.deepEqual(read.map((entry) => [entry.sampleId, entry.score]), [['1', 1], ['2', 0.3]]);
});

test('a torn last line (killed mid-write) is cut off, finished lines kept', () => {
  const file = path.join(folder(), 'samples.jsonl');
  writeFileSync(file, `${JSON.stringify(record('1'))}\n${JSON.stringify(record('2')).slice(0, 20)}`);
  assert.equal(truncateTornTail(file), 20);
  assert.equal(readFileSync(file, 'utf8'), `${JSON.stringify(record('1'))}\n`);
  assert.equal(truncateTornTail(file), 0);
});

test('a file holding only a fragment becomes empty', () => {
  const file = path.join(folder(), 'samples.jsonl');
  writeFileSync(file, '{"task":"vq');
  truncateTornTail(file);
  assert.equal(readFileSync(file, 'utf8'), '');
});

test('opening the log for resume repairs the tail before appending', async () => {
  const file = path.join(folder(), 'samples.jsonl');
  writeFileSync(file, `${JSON.stringify(record('1'))}\n{"broken`);
  const log = new SamplesLog(file);
  log.append(record('2'));
  log.close();
  const ids = [];
  for await (const entry of readSampleRecords(file)) ids.push(entry.sampleId);
  assert.deepEqual(ids, ['1', '2']);
});

test('an invalid record names the file, the line and the field', async () => {
  const file = path.join(folder(), 'samples.jsonl');
  appendFileSync(file, `${JSON.stringify(record('1'))}\n${JSON.stringify({ ...record('2'), score: 'high' })}\n`);
  await assert.rejects(
    async () => {
      for await (const _entry of readSampleRecords(file)) {
        // drain
      }
    },
    (error: Error) => error.message.includes(file) && error.message.includes('line 2.score'),
  );
});

test('sample keys separate tasks, shots and trials', () => {
  const keys = new Set([sampleKey(record('1')), sampleKey({ ...record('1'), shots: 4 }), sampleKey({ ...record('1'), trial: 1 }), sampleKey({ ...record('1'), task: 'okvqa' })]);
  assert.equal(keys.size, 4);
});
