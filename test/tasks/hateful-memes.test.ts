import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { BinaryClassification, DataProblem, MediaFile, Sample, TaskRequestKind } from '../../core/contracts/task.js';
import { loadHatefulMemes } from '../../tasks/formats/hateful-memes-reader.js';
import type { Part } from '../../core/contracts/runner.js';
import { countSamples } from '../../tasks/data-check.js';
import { hatefulMemes } from '../../tasks/hateful-memes.js';
import { buildRequest } from '../../tasks/prompts/build-request.js';
import { demosNeeded, getPreset, presetForTask, presets } from '../../tasks/prompts/presets.js';

const bundled = path.resolve(import.meta.dirname, '../../tasks/samples/data/hateful-memes');

async function collect(iterable: AsyncIterable<Sample>): Promise<Sample[]> {
  const samples: Sample[] = [];
  for await (const sample of iterable) samples.push(sample);
  return samples;
}

test('reads the bundled sample as distributed: ids, meme text, yes/no answer, the image under img/', async () => {
  const dev = await collect(loadHatefulMemes({ dataDir: bundled, split: 'dev' }));
  assert.equal(dev.length, 8);
  const first = dev[0]!;
  assert.equal(first.id, '60270');
  assert.equal(first.question, 'cooks make me smile');
  assert.deepEqual(first.answers, ['no']);
  assert.deepEqual(first.meta, { label: 0, image: '60270.png' });
  const image = first.media[0] as MediaFile;
  assert.equal(image.path, path.join(bundled, 'img', '60270.png'));
  assert.ok(existsSync(image.path));
  assert.deepEqual(dev[1]!.answers, ['yes']);
  assert.equal((await collect(loadHatefulMemes({ dataDir: bundled, split: 'test_seen' }))).length, 20);
  // A text-only read (the few-shot pool) keeps the image reference: demonstrations show their images.
  const [textOnly] = await collect(loadHatefulMemes({ dataDir: bundled, split: 'dev', textOnly: true }));
  assert.deepEqual(textOnly!.media, first.media);
  await assert.rejects(collect(loadHatefulMemes({ dataDir: bundled, split: 'val' })), /hateful-memes has no split "val" \(splits: test_seen, dev, dev_unseen, test_unseen, train\)/);
});

test('every split of the bundled sample: unique ids, one answer, both classes, the image present; data check counts the same', async () => {
  for (const split of hatefulMemes.splits) {
    const samples = await collect(hatefulMemes.load({ dataDir: bundled, split: split.name }));
    assert.equal(new Set(samples.map((sample) => sample.id)).size, samples.length, split.name);
    assert.deepEqual(new Set(samples.map((sample) => sample.answers.join())), new Set(['no', 'yes']), split.name);
    for (const sample of samples) assert.ok(existsSync((sample.media[0] as MediaFile).path), `${split.name} ${sample.id}`);
    assert.equal(await countSamples(hatefulMemes, bundled, split.name), samples.length);
  }
  assert.equal(hatefulMemes.defaultSplit, 'test_seen');
  assert.equal(hatefulMemes.trainSplit, 'train');
  assert.deepEqual(hatefulMemes.splits.find((split) => split.name === 'dev')!.files, ['dev_seen.jsonl']);
});

test('bad lines are named by file, line and field; data check collects them all', async () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'emu-eval-hm-'));
  mkdirSync(path.join(folder, 'img'));
  const file = path.join(folder, 'dev_seen.jsonl');
  writeFileSync(
    file,
    [
      '{"id": 1, "img": "img/00001.png", "label": 0, "text": "fine"}',
      '{"id": 2, "img": "img/00002.png", "label": 2, "text": "bad label"}',
      '{"id": 1, "img": "img/00001.png", "label": 1, "text": "again"}',
      '{"id": 3, "img": "img/00003.png", "label": 1',
      '',
    ].join('\n'),
  );
  await assert.rejects(collect(loadHatefulMemes({ dataDir: folder, split: 'dev', textOnly: true })), (error: Error) => error.message.startsWith(`${file}: line 2.label: `));
  const problems: DataProblem[] = [];
  const samples = await collect(loadHatefulMemes({ dataDir: folder, split: 'dev', textOnly: true, onProblem: (problem) => problems.push(problem) }));
  assert.deepEqual(samples.map((sample) => sample.id), ['1']);
  assert.deepEqual(problems.map((problem) => problem.field), ['line 2.label', 'line 3.id', 'line 4']);
  assert.match(problems[1]!.message, /duplicate id 1 \(first on line 1\)/);
  assert.match(problems[2]!.message, /not JSON/);
  await assert.rejects(collect(loadHatefulMemes({ dataDir: folder, split: 'test_seen' })), /test_seen\.jsonl: cannot read the split file \(ENOENT\); hateful-memes expects the folder as distributed/);
});

const generation = { maxNewTokens: 5, numBeams: 1 };
/** The task's request as the engine sees it (the declaration's own types are narrower). */
const loglik: Extract<TaskRequestKind, { kind: 'loglik' }> & { binary: BinaryClassification } = hatefulMemes.request;
const shapeOf = (parts: Part[]) => parts.map((part) => (part.type === 'text' ? part.text : part.type));
const question = (text: string, answer = '') => `is an image with: '${text}' written on it. Is it hateful? Answer:${answer}`;

test("OpenFlamingo's prompt under flamingo: demos with answers and <|endofchunk|>, nothing between them, the query ending at Answer:", async () => {
  const [query, ...demos] = await collect(loadHatefulMemes({ dataDir: bundled, split: 'dev' }));
  const flamingo = presetForTask(getPreset('flamingo'), hatefulMemes);
  const parts = buildRequest(query!, flamingo, generation, demos.slice(0, 2)).parts;
  assert.deepEqual(shapeOf(parts), [
    'image',
    `${question(demos[0]!.question, 'yes')}<|endofchunk|>`,
    'image',
    `${question(demos[1]!.question, 'no')}<|endofchunk|>`,
    'image',
    question('cooks make me smile'),
  ]);
  // Flamingo's 0 shots: two demonstrations without their images, then the query with its image.
  assert.equal(demosNeeded(flamingo, 0), 2);
  const zeroShot = buildRequest(query!, flamingo, generation, demos.slice(0, 2), { textOnlyDemos: true }).parts;
  assert.deepEqual(shapeOf(zeroShot), [`${question(demos[0]!.question, 'yes')}<|endofchunk|>${question(demos[1]!.question, 'no')}<|endofchunk|>`, 'image', question('cooks make me smile')]);
  assert.deepEqual(loglik.continuations(query!), ['no', 'yes']);
});

test('the other presets: emu2 asks the same question (true zero-shot, ". " between demos); chat presets ask for yes or no', async () => {
  const [query, demo] = await collect(loadHatefulMemes({ dataDir: bundled, split: 'dev' }));
  const emu2 = presetForTask(getPreset('emu2'), hatefulMemes);
  assert.equal(demosNeeded(emu2, 0), 0);
  assert.deepEqual(shapeOf(buildRequest(query!, emu2, generation).parts), ['image', question('cooks make me smile')]);
  assert.deepEqual(shapeOf(buildRequest(query!, emu2, generation, [demo!]).parts), ['image', `${question(demo!.question, 'yes')}. `, 'image', question('cooks make me smile')]);
  for (const id of ['emu2-chat', 'llava']) {
    const request = buildRequest(query!, presetForTask(getPreset(id), hatefulMemes), generation);
    assert.deepEqual(shapeOf(request.parts), ['image', "The image has the text 'cooks make me smile' written on it. Is it hateful?\nAnswer yes or no."]);
  }
  assert.deepEqual(shapeOf(buildRequest(query!, presetForTask(getPreset('cogvlm'), hatefulMemes), generation).parts), [
    'image',
    "Question: The image has the text 'cooks make me smile' written on it. Is it hateful? Short answer:",
  ]);
  // No preset falls back to a VQA template around the meme's text.
  for (const id of Object.keys(presets)) assert.ok(hatefulMemes.prompts[id], `${id} has Hateful Memes prompt pieces`);
});

test("predict and the binary record follow OpenFlamingo: mean log-prob per token, 'no' on a tie, P(yes) by softmax", async () => {
  const [query, hateful] = await collect(loadHatefulMemes({ dataDir: bundled, split: 'dev', textOnly: true }));
  const request = loglik;
  const scores = (logprobs: number[], tokens: number[]) => ({ continuations: ['no', 'yes'], logprobs, tokens });
  // "yes" spans two tokens: its mean -0.5 beats "no"'s -0.8 although its sum -1.0 does not.
  assert.equal(request.predict(scores([-0.8, -1.0], [1, 2]), query!), 'yes');
  assert.equal(request.predict(scores([-0.7, -0.7], [1, 1]), query!), 'no');
  const pYes = request.binary.score(scores([-0.8, -1.0], [1, 2]), query!);
  assert.ok(Math.abs(pYes - Math.exp(-0.5) / (Math.exp(-0.5) + Math.exp(-0.8))) < 1e-15);
  assert.equal(request.binary.label(query!), 0);
  assert.equal(request.binary.label(hateful!), 1);
  assert.equal(request.binary.label({ ...query!, answers: [] }), undefined);
});
