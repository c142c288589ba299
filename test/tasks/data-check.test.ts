import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { preprocessImage, type ImagePreprocessing } from '../../runners/onnx/image-preprocess.js';
import { checkData, countSamples, MAX_LISTED_PROBLEMS } from '../../tasks/data-check.js';
import { runCli } from '../helpers/cli.js';
import { goodImages, withMetadataBeforeFrame } from '../helpers/images.js';
import { bundledDataDir, tasks } from '../../tasks/registry.js';
import { cocoImage, copyOfBundledSample, temporaryFolder, TINY_JPEG, vqaAnnotation, writeImage, writeVqaV2Val } from './dataset-folders.js';

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

describe('data check reads each image header, as the run opens it', () => {
  const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/bad/images');
  const preprocessing: ImagePreprocessing = { resize: { mode: 'exact', width: 8, height: 8 }, kernel: 'cubic', rescale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1], width: 8, height: 8 };
  // Image id → the bad file put in its place, and what data check says (after "cannot decode image: ").
  const bad: Array<[imageId: number, fixture: string, reason: string]> = [
    [1, 'empty.jpg', 'Input Buffer is empty'],
    [2, 'not-an-image.jpg', 'Input buffer contains unsupported image format'],
    [3, 'truncated-header.jpg', 'Input buffer has corrupt header: VipsJpeg: premature end of JPEG image / VipsJpeg: Bogus marker length'],
    [4, 'truncated-header.png', 'Input buffer has corrupt header: (no detail from the decoder; the file is 20 bytes)'],
    [5, 'bomb-30000x30000.png', 'Input image exceeds pixel limit: the header says 30000×30000 = 900.0 Mpx, over the limit of 268.4 Mpx'],
  ];

  /** A VQAv2 val folder: question N000 asks about image N; images 1–5 replaced by the bad files, 6 left good. */
  function folderWithBadImages(): string {
    const folder = temporaryFolder();
    writeVqaV2Val(folder, [1, 2, 3, 4, 5, 6].map((imageId): [number, number] => [imageId * 1000, imageId]));
    for (const [imageId, name] of bad) copyFileSync(path.join(fixtures, name), path.join(folder, cocoImage('val2014', imageId)));
    return folder;
  }

  it('lists an empty image, a non-image, headers cut short and a decompression bomb: the file, the question, the reason the run gives', async () => {
    const folder = folderWithBadImages();
    const report = await checkData(tasks.vqav2, folder);
    assert.equal(report.problems.length, bad.length, report.problems.map((problem) => problem.message).join('\n'));
    for (const [imageId, name, reason] of bad) {
      const file = path.join(folder, cocoImage('val2014', imageId));
      const problem = report.problems.find((candidate) => candidate.file === file);
      assert.ok(problem, `${name} not listed`);
      assert.equal(problem.message, `cannot decode image: ${reason} (needed by question ${imageId * 1000})`, name);
      // The run (ONNX preprocessing) refuses the same bytes for the same reason.
      const decode = await preprocessImage(readFileSync(file), preprocessing).then(
        () => assert.fail(`${name} decoded`),
        (error: Error) => error.message,
      );
      for (const line of new Set(decode.split('\n'))) assert.ok(problem.message.includes(line), `${name}: "${problem.message}" lacks the run's "${line}"`);
    }
    assert.deepEqual([report.splits[0].questions, report.splits[0].images, report.splits[0].missingImages], [6, 6, 5]);
  });

  it('`emu-eval data check` prints each with its file and question, and exits 1', async () => {
    const folder = folderWithBadImages();
    const check = await runCli(['data', 'check', 'vqav2', '--data', folder]);
    assert.equal(check.code, 1, check.stderr);
    assert.ok(check.stdout.includes('vqav2 val: 6 questions, 6 images, 5 missing\n'), check.stdout);
    for (const [imageId, , reason] of bad) {
      const line = `  ${path.join(folder, cocoImage('val2014', imageId))}: cannot decode image: ${reason} (needed by question ${imageId * 1000})\n`;
      assert.ok(check.stdout.includes(line), `${line} not in:\n${check.stdout}`);
    }
  });

  it('passes valid images of every format the runners take, small and large, whatever their extension', async () => {
    const folder = temporaryFolder();
    const images = [
      ...(await goodImages()).map((image) => ({ name: image.name, bytes: image.bytes })),
      // Unusual encodings the run decodes (test/fixtures/bad/: CMYK JPEG, 16-bit PNG, grey + alpha PNG).
      ...['cmyk.jpg', 'rgb16.png', 'grey-alpha.png'].map((name) => ({ name, bytes: readFileSync(path.join(fixtures, name)) })),
    ];
    writeVqaV2Val(folder, images.map((_, index): [number, number] => [(index + 1) * 1000, index + 1]));
    // Every file is named COCO_val2014_….jpg, whatever its bytes say.
    images.forEach((image, index) => writeFileSync(path.join(folder, cocoImage('val2014', index + 1)), image.bytes));
    const report = await checkData(tasks.vqav2, folder);
    assert.deepEqual(report.problems, [], images.map((image, index) => `${index + 1}: ${image.name}`).join(', '));
    assert.equal(report.splits[0].images, images.length);
  });

  it('a header that goes on past the first 64 KiB is judged on the whole file, as the run reads it', async () => {
    const folder = temporaryFolder();
    writeVqaV2Val(folder, [[1000, 1], [2000, 2]]);
    const jpeg = withMetadataBeforeFrame(TINY_JPEG, 80_000);
    writeFileSync(path.join(folder, cocoImage('val2014', 1)), jpeg);
    // Cut inside the metadata, past the first read: the frame header never comes.
    writeFileSync(path.join(folder, cocoImage('val2014', 2)), jpeg.subarray(0, 70_000));
    const report = await checkData(tasks.vqav2, folder);
    assert.deepEqual(
      report.problems.map((problem) => [path.basename(problem.file), problem.message]),
      [[path.basename(cocoImage('val2014', 2)), 'cannot decode image: Input buffer has corrupt header: VipsJpeg: premature end of JPEG image / VipsJpeg: JPEG datastream contains no image (needed by question 2000)']],
    );
  });

  it('a folder named like an image is not a regular file', async () => {
    const folder = temporaryFolder();
    writeVqaV2Val(folder, [[1000, 1]]);
    const image = path.join(folder, cocoImage('val2014', 1));
    rmSync(image);
    mkdirSync(image);
    const report = await checkData(tasks.vqav2, folder);
    assert.deepEqual(report.problems.map((problem) => problem.message), ['image path is not a regular file (needed by question 1000)']);
  });
});

describe('countSamples', () => {
  it('counts each split of a bundled sample and gives null for absent files', async () => {
    assert.equal(await countSamples(tasks.vizwiz, bundledDataDir(tasks.vizwiz), 'test'), 12);
    assert.equal(await countSamples(tasks.vizwiz, temporaryFolder(), 'val'), null);
    assert.equal(await countSamples(tasks.vizwiz, bundledDataDir(tasks.vizwiz), 'no-such-split'), null);
  });
});
