import assert from 'node:assert/strict';
import { copyFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.js';
import { countSamples } from '../../tasks/data-check.js';
import { bundledDataDir, getTask, taskIds, tasks } from '../../tasks/registry.js';
import type { TaskAdapter } from '../../core/contracts/task.js';
import { loadAll, temporaryFolder } from './dataset-folders.js';
import { asFile } from '../helpers/media-refs.js';

const vqaStyle = new Set(['vqav2', 'okvqa', 'vizwiz', 'textvqa']);

describe('registry', () => {
  it('lists the five VQA-style image tasks, Hateful Memes, the video tasks, MMMU and MM-Vet, then the multiple-choice tasks', () => {
    assert.deepEqual(taskIds(), ['vqav2', 'okvqa', 'vizwiz', 'textvqa', 'gqa', 'hateful-memes', 'msvd-qa', 'msrvtt-qa', 'activitynet-qa', 'mmmu', 'mm-vet', 'seed-bench', 'mmbench']);
  });

  it('rejects an unknown task id as a usage error that lists the known ones', () => {
    assert.throws(
      () => getTask('vqa3'),
      (error: unknown) => error instanceof ConfigError && error.usage && /vqav2, okvqa, vizwiz, textvqa, gqa, hateful-memes, msvd-qa/.test(error.message),
    );
    assert.throws(() => getTask('toString'), ConfigError);
  });

  it('finds bundled data next to the code, as an absolute path', () => {
    for (const task of Object.values(tasks)) {
      const folder = bundledDataDir(task);
      assert.ok(path.isAbsolute(folder));
      assert.ok(statSync(folder).isDirectory(), folder);
    }
  });
});

// Video tasks, Hateful Memes (a yes/no classification scored by log-likelihood), MMMU, MM-Vet and the
// multiple-choice tasks have their own adapter tests (video-adapters.test.ts, hateful-memes.test.ts,
// mmmu-mm-vet-readers.test.ts, multiple-choice-adapters.test.ts).
for (const task of (Object.values(tasks) as TaskAdapter[]).filter((candidate) => vqaStyle.has(candidate.id) || candidate.id === 'gqa')) {
  describe(`${task.id} adapter on its bundled sample`, () => {
    it('declares a consistent shape', () => {
      // Version 2: scored by their own official evaluators' rules instead of vqaEval.py's.
      const ownEvaluator: Record<string, string> = { textvqa: 'm4c-textvqa', vizwiz: 'vizwiz-vqa-eval', gqa: 'gqa-eval' };
      assert.equal(task.version, ownEvaluator[task.id] ? 2 : 1);
      assert.equal(task.evaluator, ownEvaluator[task.id] ?? 'vqa-eval');
      assert.equal(task.modality, 'image');
      assert.equal(task.metric, task.id === 'gqa' ? 'exact_match' : 'vqa_accuracy');
      assert.ok(task.splits.some((split) => split.name === task.defaultSplit));
      assert.ok(task.trainSplit && task.splits.some((split) => split.name === task.trainSplit));
    });

    for (const split of task.splits) {
      it(`loads split ${split.name}: unique ids, right answer counts, images present`, async () => {
        const dataDir = bundledDataDir(task);
        const samples = await loadAll(task, { dataDir, split: split.name });
        assert.ok(samples.length > 0);
        assert.equal(new Set(samples.map((sample) => sample.id)).size, samples.length, 'ids are unique');
        const expectedAnswers = !split.hasAnswers ? 0 : vqaStyle.has(task.id) ? 10 : 1;
        for (const sample of samples) {
          assert.equal(sample.answers.length, expectedAnswers, `answers of ${sample.id}`);
          assert.ok(sample.question.length > 0);
          assert.equal(sample.media.length, 1);
          const image = asFile(sample.media[0]);
          assert.equal(image.kind, 'image');
          assert.equal(image.root, dataDir);
          assert.ok(image.path.startsWith(dataDir + path.sep));
          assert.ok(existsSync(image.path), image.path);
          assert.ok(sample.meta.imageId !== undefined);
        }
        assert.equal(await countSamples(task, dataDir, split.name), samples.length);
      });
    }
  });
}

describe('sample contents', () => {
  it('vqav2 ids are question ids and meta carries the breakdown keys', async () => {
    const [first] = await loadAll(tasks.vqav2, { dataDir: bundledDataDir(tasks.vqav2), split: 'val' });
    assert.match(first.id, /^\d+$/);
    assert.ok(['yes/no', 'number', 'other'].includes(first.meta.answerType as string));
    assert.equal(typeof first.meta.questionType, 'string');
    assert.match(asFile(first.media[0]).path, /val2014[\\/]COCO_val2014_\d{12}\.jpg$/);
  });

  it('vqav2 test-dev has no answers and uses test2015 images', async () => {
    const samples = await loadAll(tasks.vqav2, { dataDir: bundledDataDir(tasks.vqav2), split: 'testdev' });
    assert.ok(samples.every((sample) => sample.answers.length === 0 && /test2015[\\/]COCO_test2015_/.test(asFile(sample.media[0]).path)));
  });

  it('vizwiz ids are image file names; gqa ids are the object keys', async () => {
    const [vizwizSample] = await loadAll(tasks.vizwiz, { dataDir: bundledDataDir(tasks.vizwiz), split: 'val' });
    assert.match(vizwizSample.id, /^VizWiz_val_\d{8}\.jpg$/);
    const [gqaSample] = await loadAll(tasks.gqa, { dataDir: bundledDataDir(tasks.gqa), split: 'testdev' });
    assert.match(gqaSample.id, /^\d+$/);
    assert.equal(typeof gqaSample.meta.fullAnswer, 'string');
  });

  it('mixes unanimous and disagreeing annotators', async () => {
    const samples = await loadAll(tasks.vqav2, { dataDir: bundledDataDir(tasks.vqav2), split: 'val' });
    const unanimous = samples.filter((sample) => new Set(sample.answers).size === 1).length;
    assert.ok(unanimous > 0 && unanimous < samples.length);
  });
});

describe('loading options', () => {
  it('an unknown split is a usage error listing the splits', async () => {
    await assert.rejects(loadAll(tasks.vqav2, { dataDir: bundledDataDir(tasks.vqav2), split: 'test' }), (error: unknown) => error instanceof ConfigError && error.usage && /val, train, testdev/.test(error.message));
  });

  it('textOnly loads from question and annotation files alone', async () => {
    const folder = temporaryFolder();
    for (const name of tasks.vqav2.splits.find((split) => split.name === 'val')!.files) {
      copyFileSync(path.join(bundledDataDir(tasks.vqav2), name), path.join(folder, name));
    }
    const samples = await loadAll(tasks.vqav2, { dataDir: folder, split: 'val', textOnly: true });
    assert.equal(samples.length, 40);
  });

  it('countSamples gives null for a split whose files are absent', async () => {
    assert.equal(await countSamples(tasks.gqa, temporaryFolder(), 'testdev'), null);
  });

  it('a relative data folder is resolved to an absolute media path', async () => {
    const relative = path.relative(process.cwd(), bundledDataDir(tasks.textvqa));
    const [sample] = await loadAll(tasks.textvqa, { dataDir: relative, split: 'val' });
    assert.ok(path.isAbsolute(asFile(sample.media[0]).path) && path.isAbsolute(asFile(sample.media[0]).root));
  });
});
