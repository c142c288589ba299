import assert from 'node:assert/strict';
import { readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { checkData, countSamples, MAX_LISTED_PROBLEMS } from '../../tasks/data-check.js';
import { runCli } from '../helpers/cli.js';
import { bundledDataDir, tasks } from '../../tasks/registry.js';
import { cocoImage, copyOfBundledSample, temporaryFolder, vqaAnnotation, writeImage, writeVqaV2Val } from './dataset-folders.js';

describe('data check', () => {
  it('passes a folder laid out like the real VQAv2 download', async () => {
    const folder = copyOfBundledSample('vqav2');
    const report = await checkData(tasks.vqav2, folder);
    assert.deepEqual(report.problems, []);
    assert.equal(report.unlistedProblems, 0);
    assert.equal(report.task, 'vqav2');
    assert.equal(report.dataDir, folder);
    assert.deepEqual(
      report.splits.map((split) => [split.split, split.found, split.questions, split.missingImages]),
      [
        ['val', true, 40, 0],
        ['train', true, 40, 0],
        ['testdev', true, 20, 0],
      ],
    );
    assert.ok(report.splits.every((split) => split.images > 0 && split.images <= split.questions));
  });

  it('passes every bundled sample', async () => {
    for (const task of Object.values(tasks)) {
      const report = await checkData(task, bundledDataDir(task));
      assert.deepEqual(report.problems, [], task.id);
      // Video samples bundle only their test split; every other bundled split is present.
      assert.ok(report.splits.every((split) => split.found || (task.modality === 'video' && split.split !== task.defaultSplit)), task.id);
      assert.ok(report.splits.some((split) => split.split === task.defaultSplit && split.found), task.id);
    }
  });

  it('an absent optional split is reported as not found, not as a problem', async () => {
    const folder = temporaryFolder();
    writeVqaV2Val(folder, [[1000, 1]]);
    const report = await checkData(tasks.vqav2, folder);
    assert.deepEqual(report.problems, []);
    assert.deepEqual(
      report.splits.map((split) => [split.split, split.found]),
      [
        ['val', true],
        ['train', false],
        ['testdev', false],
      ],
    );
  });

  it('a missing default split, a half-present split and an asked-for split are problems', async () => {
    const folder = temporaryFolder();
    writeFileSync(path.join(folder, 'v2_OpenEnded_mscoco_train2014_questions.json'), '{"questions": []}');
    const report = await checkData(tasks.vqav2, folder);
    assert.deepEqual(
      report.problems.map((problem) => path.basename(problem.file)),
      ['v2_OpenEnded_mscoco_val2014_questions.json', 'v2_mscoco_val2014_annotations.json', 'v2_mscoco_train2014_annotations.json'],
    );
    const asked = await checkData(tasks.vqav2, folder, { split: 'testdev' });
    assert.deepEqual(
      asked.problems.map((problem) => path.basename(problem.file)),
      ['v2_OpenEnded_mscoco_test-dev2015_questions.json'],
    );
    assert.match((await checkData(tasks.vqav2, folder, { split: 'nope' })).problems[0].message, /no split "nope"; its splits are: val, train, testdev/);
  });

  it('lists several broken things in one pass', async () => {
    const folder = temporaryFolder();
    const outside = writeImage(temporaryFolder(), 'elsewhere.jpg');
    const pairs: Array<[number, number]> = [
      [1000, 1],
      [2000, 2],
      [3000, 3],
      [4000, 4],
      [5000, 5],
    ];
    const badType = vqaAnnotation(3000, 3);
    badType.answer_type = 'colour';
    writeVqaV2Val(folder, pairs, {
      questions: [...pairs.map(([questionId, imageId]) => ({ image_id: imageId, question: 'Q?', question_id: questionId })), { image_id: 1, question: 'again', question_id: 1000 }],
      // 4000 has no annotation; 9000 has no question; 3000 has a bad answer_type.
      annotations: [vqaAnnotation(1000, 1), vqaAnnotation(2000, 2), badType, vqaAnnotation(5000, 5), vqaAnnotation(9000, 9)],
    });
    unlinkSync(path.join(folder, cocoImage('val2014', 2)));
    unlinkSync(path.join(folder, cocoImage('val2014', 5)));
    symlinkSync(outside, path.join(folder, cocoImage('val2014', 5)));

    const report = await checkData(tasks.vqav2, folder);
    const lines = report.problems.map((problem) => `${path.basename(problem.file)} ${problem.field ?? '-'}: ${problem.message}`);
    const expectations = [
      /^v2_mscoco_val2014_annotations\.json annotations\[2\]\.answer_type: expected one of "yes\/no", "number", "other", found the string "colour"$/,
      /^v2_OpenEnded_mscoco_val2014_questions\.json questions\[3\]\.question_id: question_id 4000 has no annotation/,
      /^v2_OpenEnded_mscoco_val2014_questions\.json questions\[5\]\.question_id: duplicate question_id 1000, already used by questions\[0\]$/,
      /^v2_mscoco_val2014_annotations\.json annotations\[4\]\.question_id: annotation for question_id 9000 has no question/,
      /^COCO_val2014_000000000002\.jpg -: image file not found \(needed by question 2000\)$/,
      /^COCO_val2014_000000000005\.jpg -: image is a link to .*elsewhere\.jpg, outside the data root/,
    ];
    for (const expectation of expectations) assert.ok(lines.some((line) => expectation.test(line)), `${expectation} not in:\n${lines.join('\n')}`);
    // The question whose annotation is invalid is reported once as invalid and once as unmatched.
    assert.equal(report.problems.length, 7, lines.join('\n'));
    const [val] = report.splits;
    assert.deepEqual([val.questions, val.images, val.missingImages], [3, 3, 2]);
  });

  it('caps the listed problems and counts the rest', async () => {
    const folder = temporaryFolder();
    const pairs = Array.from({ length: 250 }, (_, index): [number, number] => [index * 1000, index]);
    writeVqaV2Val(folder, pairs);
    rmSync(path.join(folder, 'val2014'), { recursive: true });
    const report = await checkData(tasks.vqav2, folder, { split: 'val' });
    assert.equal(report.problems.length, MAX_LISTED_PROBLEMS);
    assert.equal(report.unlistedProblems, 250 - MAX_LISTED_PROBLEMS);
    assert.equal(report.splits[0].missingImages, 250);
  });

  it('a duplicate id late in the file: `emu-eval data check` prints the line `run` stops with, and exits 1', async () => {
    const folder = copyOfBundledSample('vqav2');
    const file = path.join(folder, 'v2_OpenEnded_mscoco_val2014_questions.json');
    const content = JSON.parse(readFileSync(file, 'utf8')) as { questions: Array<{ question_id: number }> };
    const last = content.questions.length - 1;
    const repeated = content.questions[0].question_id;
    content.questions[last] = { ...content.questions[last], question_id: repeated };
    writeFileSync(file, JSON.stringify(content));
    const problem = `questions[${last}].question_id: duplicate question_id ${repeated}, already used by questions[0]`;

    const check = await runCli(['data', 'check', 'vqav2', '--data', folder]);
    assert.equal(check.code, 1);
    assert.ok(check.stdout.includes(`  ${file} ${problem}\n`), check.stdout);
    // A model that could not even be created: the data is checked before any runner exists.
    const run = await runCli(['run', 'vqav2', '--model', 'onnx:/nonexistent-model', '--data', folder, '--out', temporaryFolder(), '--quiet']);
    assert.equal(run.code, 1);
    assert.ok(run.stderr.startsWith(`emu-eval: ${file}: ${problem}\n`), run.stderr);
  });

  it('a malformed file is one problem with its byte offset', async () => {
    const folder = copyOfBundledSample('gqa');
    const file = path.join(folder, 'testdev_balanced_questions.json');
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 500));
    const report = await checkData(tasks.gqa, folder, { split: 'testdev' });
    assert.equal(report.problems.length, 1);
    assert.equal(report.problems[0].file, file);
    assert.match(report.problems[0].message, /malformed JSON at byte 500: unexpected end of file/);
  });
});

describe('countSamples', () => {
  it('counts each split of a bundled sample and gives null for absent files', async () => {
    assert.equal(await countSamples(tasks.vizwiz, bundledDataDir(tasks.vizwiz), 'test'), 12);
    assert.equal(await countSamples(tasks.vizwiz, temporaryFolder(), 'val'), null);
    assert.equal(await countSamples(tasks.vizwiz, bundledDataDir(tasks.vizwiz), 'no-such-split'), null);
  });
});
