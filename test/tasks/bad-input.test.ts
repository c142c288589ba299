import assert from 'node:assert/strict';
import { readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DataError } from '../../core/errors.js';
import { readMedia } from '../../core/safe-path.js';
import { checkData } from '../../tasks/data-check.js';
import { tasks } from '../../tasks/registry.js';
import { cocoImage, copyOfBundledSample, loadAll, loadCollecting, temporaryFolder, vqaAnnotation, vqaAnswers, writeImage, writeJsonFile, writeVqaV2Val } from './dataset-folders.js';

// Each broken input must fail with a message naming the file and the JSON path, whether it surfaces
// from `load` (first problem, as a DataError) or from `data check` (every problem, as a list).

function dataError(check: (error: DataError) => void): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(error instanceof DataError, `expected a DataError, got ${String(error)}`);
    check(error);
    return true;
  };
}

const questionsFile = 'v2_OpenEnded_mscoco_val2014_questions.json';
const annotationsFile = 'v2_mscoco_val2014_annotations.json';

describe('bad VQA-format input', () => {
  it('malformed JSON names the file and the byte offset', async () => {
    const folder = temporaryFolder();
    writeVqaV2Val(folder, [[1000, 1]]);
    const text = '{"questions": [{"image_id": 1, "question": "q?", "question_id": 1000,}]}';
    writeJsonFile(folder, questionsFile, text);
    await assert.rejects(
      loadAll(tasks.vqav2, { dataDir: folder, split: 'val' }),
      dataError((error) => {
        assert.equal(error.file, path.join(folder, questionsFile));
        assert.match(error.message, new RegExp(`${questionsFile}: .*malformed JSON at byte ${text.indexOf(',}') + 1}`));
        assert.equal(error.field, 'questions[0]');
      }),
    );
  });

  it('a missing field is named by its JSON path', async () => {
    const folder = temporaryFolder();
    const annotation = vqaAnnotation(1000, 1);
    delete annotation.multiple_choice_answer;
    writeVqaV2Val(folder, [[1000, 1]], { annotations: [annotation] });
    await assert.rejects(
      loadAll(tasks.vqav2, { dataDir: folder, split: 'val' }),
      dataError((error) => {
        assert.equal(error.field, 'annotations[0].multiple_choice_answer');
        assert.match(error.message, /v2_mscoco_val2014_annotations\.json: annotations\[0\]\.multiple_choice_answer: expected string, found nothing \(the field is missing\)/);
      }),
    );
  });

  it('a wrong type says what was expected and what was found', async () => {
    const folder = temporaryFolder();
    const annotation = vqaAnnotation(1000, 1);
    (annotation.answers as Array<Record<string, unknown>>)[3].answer = 5;
    writeVqaV2Val(folder, [[1000, 1]], { annotations: [annotation] });
    await assert.rejects(
      loadAll(tasks.vqav2, { dataDir: folder, split: 'val' }),
      dataError((error) => {
        assert.equal(error.field, 'annotations[0].answers[3].answer');
        assert.match(error.message, /annotations\[0\]\.answers\[3\]\.answer: expected string, found number 5/);
      }),
    );
  });

  it('an unknown field and a wrong answer count are both reported', async () => {
    const folder = temporaryFolder();
    const annotation = { ...vqaAnnotation(1000, 1), answers: vqaAnswers('red').slice(0, 9), extra: true };
    writeVqaV2Val(folder, [[1000, 1]], { annotations: [annotation] });
    const { problems } = await loadCollecting(tasks.vqav2, { dataDir: folder, split: 'val' });
    const messages = problems.map((problem) => `${problem.field}: ${problem.message}`);
    assert.ok(messages.includes('annotations[0].extra: unexpected field (not part of the format), found boolean true'), messages.join('\n'));
    assert.ok(messages.includes('annotations[0].answers: expected exactly 10 items, found an array of 9 items'), messages.join('\n'));
  });

  it('duplicate question ids name both occurrences', async () => {
    const folder = temporaryFolder();
    writeVqaV2Val(folder, [[1000, 1], [1000, 1]], { annotations: [vqaAnnotation(1000, 1)] });
    await assert.rejects(
      loadAll(tasks.vqav2, { dataDir: folder, split: 'val' }),
      dataError((error) => {
        assert.equal(error.field, 'questions[1].question_id');
        assert.match(error.message, /questions\[1\]\.question_id: duplicate question_id 1000, already used by questions\[0\]/);
      }),
    );
  });

  it('a question without an annotation, and an annotation without a question', async () => {
    const folder = temporaryFolder();
    writeVqaV2Val(folder, [[1000, 1]], { annotations: [vqaAnnotation(2000, 2)] });
    const { samples, problems } = await loadCollecting(tasks.vqav2, { dataDir: folder, split: 'val' });
    assert.equal(samples.length, 0);
    assert.deepEqual(
      problems.map((problem) => [path.basename(problem.file), problem.field]),
      [
        [questionsFile, 'questions[0].question_id'],
        [annotationsFile, 'annotations[0].question_id'],
      ],
    );
    assert.match(problems[0].message, /question_id 1000 has no annotation in .*v2_mscoco_val2014_annotations\.json/);
    assert.match(problems[1].message, /question_id 2000 has no question in /);
  });

  it('a missing split file names the expected path and the split', async () => {
    const folder = temporaryFolder();
    writeVqaV2Val(folder, [[1000, 1]]);
    unlinkSync(path.join(folder, annotationsFile));
    await assert.rejects(
      loadAll(tasks.vqav2, { dataDir: folder, split: 'val' }),
      dataError((error) => {
        assert.equal(error.file, path.join(folder, annotationsFile));
        assert.match(error.message, /vqav2 split "val" needs this file, but it is missing/);
      }),
    );
  });

  it('a missing image does not stop loading but is listed by data check', async () => {
    const folder = temporaryFolder();
    writeVqaV2Val(folder, [[1000, 1]]);
    unlinkSync(path.join(folder, cocoImage('val2014', 1)));
    assert.equal((await loadAll(tasks.vqav2, { dataDir: folder, split: 'val' })).length, 1);
    const report = await checkData(tasks.vqav2, folder, { split: 'val' });
    assert.equal(report.splits[0].missingImages, 1);
    assert.equal(report.problems[0].file, path.join(folder, cocoImage('val2014', 1)));
    assert.match(report.problems[0].message, /image file not found \(needed by question 1000\)/);
  });
});

describe('image names that would leave the data root', () => {
  function vizwizVal(folder: string, image: string): void {
    const answers = Array.from({ length: 10 }, () => ({ answer: 'red', answer_confidence: 'yes' }));
    writeJsonFile(folder, 'val.json', [{ image, question: 'What color is this?', answers, answer_type: 'other', answerable: 1 }]);
  }

  it('`..` in an image name', async () => {
    const folder = temporaryFolder();
    vizwizVal(folder, '../../secret.jpg');
    await assert.rejects(
      loadAll(tasks.vizwiz, { dataDir: folder, split: 'val' }),
      dataError((error) => {
        assert.equal(error.file, path.join(folder, 'val.json'));
        assert.equal(error.field, '[0].image');
        assert.match(error.message, /contains '\.\.'/);
      }),
    );
    const report = await checkData(tasks.vizwiz, folder, { split: 'val' });
    assert.equal(report.problems.length, 1);
    assert.equal(report.problems[0].field, '[0].image');
  });

  it('an absolute image name', async () => {
    const folder = temporaryFolder();
    vizwizVal(folder, '/etc/passwd');
    await assert.rejects(
      loadAll(tasks.vizwiz, { dataDir: folder, split: 'val' }),
      dataError((error) => {
        assert.equal(error.field, '[0].image');
        assert.match(error.message, /is absolute/);
      }),
    );
  });

  it('`..` in a TextVQA image id and a GQA imageId', async () => {
    const textFolder = copyOfBundledSample('textvqa');
    const textFile = path.join(textFolder, 'TextVQA_0.5.1_val.json');
    const textData = JSON.parse(readFileSync(textFile, 'utf8'));
    textData.data[2].image_id = '../../outside';
    writeFileSync(textFile, JSON.stringify(textData));
    const text = await loadCollecting(tasks.textvqa, { dataDir: textFolder, split: 'val' });
    assert.deepEqual(text.problems.map((problem) => problem.field), ['data[2].image_id']);

    const gqaFolder = temporaryFolder();
    writeJsonFile(gqaFolder, 'testdev_balanced_questions.json', { '201': { imageId: '../x', question: 'Is it red?', answer: 'yes' } });
    const gqa = await loadCollecting(tasks.gqa, { dataDir: gqaFolder, split: 'testdev' });
    assert.deepEqual(gqa.problems.map((problem) => problem.field), ['201.imageId']);
  });

  it('a symlink pointing outside the root is a data check problem and unreadable as media', async () => {
    const outside = temporaryFolder();
    const secret = writeImage(outside, 'secret.jpg');
    const folder = temporaryFolder();
    vizwizVal(folder, 'VizWiz_val_00000000.jpg');
    writeImage(folder, 'val/unrelated.jpg');
    symlinkSync(secret, path.join(folder, 'val', 'VizWiz_val_00000000.jpg'));

    const [sample] = await loadAll(tasks.vizwiz, { dataDir: folder, split: 'val' });
    await assert.rejects(readMedia(sample.media[0]), /outside the data root/);
    const report = await checkData(tasks.vizwiz, folder, { split: 'val' });
    assert.equal(report.splits[0].missingImages, 1);
    assert.match(report.problems[0].message, /is a link to .*secret\.jpg, outside the data root.*EMU_EVAL_MEDIA_ROOTS=/);
  });

  it('a linked-out image folder is read once the user names its target in EMU_EVAL_MEDIA_ROOTS', async () => {
    const shared = temporaryFolder();
    writeImage(shared, 'val2014/VizWiz_val_00000000.jpg');
    const folder = temporaryFolder();
    vizwizVal(folder, 'VizWiz_val_00000000.jpg');
    // The whole image folder is a link (`val -> /shared/coco/val2014`), the layout big datasets often have.
    symlinkSync(path.join(shared, 'val2014'), path.join(folder, 'val'));
    const [sample] = await loadAll(tasks.vizwiz, { dataDir: folder, split: 'val' });
    await assert.rejects(readMedia(sample.media[0]), /outside the data root/);

    const saved = process.env.EMU_EVAL_MEDIA_ROOTS;
    process.env.EMU_EVAL_MEDIA_ROOTS = ['/nonexistent-folder', shared].join(path.delimiter);
    try {
      assert.ok((await readMedia(sample.media[0])).length > 0);
      const report = await checkData(tasks.vizwiz, folder, { split: 'val' });
      assert.equal(report.splits[0].missingImages, 0);
      // Trusting one folder trusts nothing else.
      process.env.EMU_EVAL_MEDIA_ROOTS = path.join(shared, 'elsewhere');
      await assert.rejects(readMedia(sample.media[0]), /outside the data root/);
    } finally {
      if (saved === undefined) delete process.env.EMU_EVAL_MEDIA_ROOTS;
      else process.env.EMU_EVAL_MEDIA_ROOTS = saved;
    }
  });
});

describe('bad input in the other formats', () => {
  it('GQA duplicate keys are found even though JSON.parse would hide them', async () => {
    const folder = temporaryFolder();
    const entry = JSON.stringify({ imageId: '1', question: 'Is it red?', answer: 'yes' });
    writeJsonFile(folder, 'testdev_balanced_questions.json', `{"7": ${entry}, "8": ${entry}, "7": ${entry}}`);
    writeImage(folder, 'images/1.jpg');
    await assert.rejects(
      loadAll(tasks.gqa, { dataDir: folder, split: 'testdev' }),
      dataError((error) => {
        assert.equal(error.field, '7');
        assert.match(error.message, /duplicate question id "7": entries 0 and 2/);
      }),
    );
  });

  it('VizWiz: answers missing from an annotated split, a wrong answerable value', async () => {
    const folder = temporaryFolder();
    writeJsonFile(folder, 'val.json', [
      { image: 'VizWiz_val_00000000.jpg', question: 'What is this?', answer_type: 'other', answerable: 1 },
      { image: 'VizWiz_val_00000001.jpg', question: 'What is this?', answers: Array.from({ length: 10 }, () => ({ answer: 'x', answer_confidence: 'yes' })), answer_type: 'other', answerable: 2 },
    ]);
    const { problems } = await loadCollecting(tasks.vizwiz, { dataDir: folder, split: 'val' });
    assert.deepEqual(
      problems.map((problem) => problem.field),
      ['[0].answers', '[1].answerable'],
    );
    assert.match(problems[0].message, /expected array, found nothing/);
  });

  it('a file of the wrong shape says which key it expected', async () => {
    const folder = temporaryFolder();
    writeJsonFile(folder, 'TextVQA_0.5.1_val.json', { dataset_type: 'val', questions: [] });
    await assert.rejects(
      loadAll(tasks.textvqa, { dataDir: folder, split: 'val' }),
      dataError((error) => assert.match(error.message, /TextVQA_0\.5\.1_val\.json: data: expected a top-level object with a "data" array, found keys "dataset_type", "questions"/)),
    );
  });
});
