import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DataError } from '../../core/errors.js';
import { checkData } from '../../tasks/data-check.js';
import { MM_VET_EMU2_CHAT_SYSTEM, mmVet } from '../../tasks/mm-vet.js';
import { mmmu } from '../../tasks/mmmu.js';
import { getPreset, presetForTask } from '../../tasks/prompts/presets.js';
import { runCli, temporaryFolder } from '../helpers/cli.js';
import { copyOfBundledSample } from './dataset-folders.js';
import type { Sample } from '../../core/contracts/task.js';

async function loadAll(load: (options: { dataDir: string; split: string }) => AsyncIterable<Sample>, dataDir: string, split: string): Promise<Sample[]> {
  const samples: Sample[] = [];
  for await (const sample of load({ dataDir, split })) samples.push(sample);
  return samples;
}

describe('mmmu reader', () => {
  it('reads the bundled rows: placeholders, disciplines, list answers, hidden test answers', async () => {
    const folder = copyOfBundledSample('mmmu');
    const validation = await loadAll(mmmu.load, folder, 'validation');
    assert.equal(validation.length, 24);
    const twoImages = validation.find((sample) => sample.media.length === 2)!;
    assert.deepEqual(twoImages.mediaPlaceholders, ['<image 1>', '<image 2>']);
    assert.ok(validation.some((sample) => sample.answers.length === 2));
    assert.deepEqual(new Set(validation.map((sample) => sample.meta.discipline)).size, 6);
    const test = await loadAll(mmmu.load, folder, 'test');
    assert.ok(test.every((sample) => sample.answers.length === 0));
  });

  it('names the file and field of a bad row; data check lists every problem', async () => {
    const folder = copyOfBundledSample('mmmu');
    const file = path.join(folder, 'validation.json');
    const rows = JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, unknown>>;
    rows[1] = { ...rows[1], options: "['a', 'b'" };
    rows[4] = { ...rows[4], question_type: 'essay' };
    writeFileSync(file, JSON.stringify(rows));
    rmSync(path.join(folder, (rows[6]!.image_1 as { path: string }).path));
    await assert.rejects(loadAll(mmmu.load, folder, 'validation'), (error: unknown) => error instanceof DataError && /validation\.json: \[1\]\.options: not a Python list of strings/.test(error.message));
    const report = await checkData(mmmu, folder, { split: 'validation' });
    const fields = report.problems.map((problem) => problem.field);
    assert.ok(fields.includes('[1].options') && fields.includes('[4].question_type'), JSON.stringify(report.problems));
    assert.ok(report.problems.some((problem) => problem.file.endsWith('_7_1.jpg') && /image file not found \(needed by question validation_Math_7\)/.test(problem.message)), JSON.stringify(report.problems));
  });
});

describe('mm-vet reader', () => {
  it('reads mm-vet.json keyed by id, one image each, capabilities as one sorted set', async () => {
    const samples = await loadAll(mmVet.load, copyOfBundledSample('mm-vet'), 'test');
    assert.equal(samples.length, 24);
    assert.equal(samples[1]!.id, 'v1_1');
    assert.equal(samples[1]!.meta.capabilities, 'gen_know_rec');
    assert.match(samples[1]!.answers[0]!, /<OR>/);
  });

  it('refuses an unknown capability and a missing image, naming the entry', async () => {
    const folder = copyOfBundledSample('mm-vet');
    const file = path.join(folder, 'mm-vet.json');
    const entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
    entries.v1_2 = { ...entries.v1_2, capability: ['rec', 'humor'] };
    writeFileSync(file, JSON.stringify(entries));
    rmSync(path.join(folder, 'images', 'v1_5.jpg'));
    const report = await checkData(mmVet, folder, { split: 'test' });
    assert.ok(report.problems.some((problem) => problem.field?.startsWith('v1_2.capability')), JSON.stringify(report.problems));
    assert.ok(report.problems.some((problem) => problem.file.endsWith('v1_5.jpg') && /needed by question v1_5/.test(problem.message)), JSON.stringify(report.problems));
  });

  it("under emu2-chat asks with the system message of MM-Vet's Emu2-Chat script", () => {
    assert.equal(presetForTask(getPreset('emu2-chat'), mmVet).system, MM_VET_EMU2_CHAT_SYSTEM);
    assert.equal(presetForTask(getPreset('llava'), mmVet).system, undefined);
  });

  it('--judge-runs without an LLM-graded task is a usage error', async () => {
    const { code, stderr } = await runCli(['run', 'mmmu', '--limit', '1', '--judge-runs', '2', '--out', temporaryFolder()]);
    assert.equal(code, 2);
    assert.match(stderr, /--judge-runs sets the grading runs of LLM-graded tasks \(mm-vet\); none of the tasks is one/);
  });
});
