import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { DataProblem, MediaFile, Sample } from '../../core/contracts/task.js';
import { loadHatefulMemes } from '../../tasks/formats/hateful-memes-reader.js';
import { HATEFUL_MEMES_CONTINUATIONS, hatefulMemesParts } from '../../tasks/hateful-memes-prompt.js';

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
  assert.equal((await collect(loadHatefulMemes({ dataDir: bundled, split: 'test_seen' }))).length, 12);
  await assert.rejects(collect(loadHatefulMemes({ dataDir: bundled, split: 'val' })), /hateful-memes has no split "val" \(splits: test_seen, dev, dev_unseen, test_unseen, train\)/);
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

test("OpenFlamingo's prompt: demos with answers and <|endofchunk|>, nothing between them, the query ending at Answer:", async () => {
  const [query, ...demos] = await collect(loadHatefulMemes({ dataDir: bundled, split: 'dev' }));
  const parts = hatefulMemesParts(query!, demos.slice(0, 2));
  const question = (text: string, answer = '') => `is an image with: '${text}' written on it. Is it hateful? Answer:${answer}`;
  assert.deepEqual(
    parts.map((part) => (part.type === 'text' ? part.text : part.type)),
    ['image', `${question(demos[0]!.question, 'yes')}<|endofchunk|>`, 'image', `${question(demos[1]!.question, 'no')}<|endofchunk|>`, 'image', question('cooks make me smile')],
  );
  // Flamingo's 0 shots: two demonstrations without their images, then the query with its image.
  const zeroShot = hatefulMemesParts(query!, demos.slice(0, 2), { textOnlyDemos: true });
  assert.deepEqual(
    zeroShot.map((part) => (part.type === 'text' ? part.text : part.type)),
    [`${question(demos[0]!.question, 'yes')}<|endofchunk|>${question(demos[1]!.question, 'no')}<|endofchunk|>`, 'image', question('cooks make me smile')],
  );
  assert.deepEqual([...HATEFUL_MEMES_CONTINUATIONS], ['no', 'yes']);
});
