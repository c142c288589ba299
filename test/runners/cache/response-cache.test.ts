import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { RequestKeyer } from '../../../runners/cache/request-key.js';
import { defaultCacheDirectory, withResponseCache, type CachedRunner } from '../../../runners/cache/response-cache.js';
import { ResponseStore } from '../../../runners/cache/response-store.js';
import type { Output, Request, Runner } from '../../../core/contracts/runner.js';
import type { MediaRef } from '../../../core/contracts/task.js';
import { imageFromBytes } from '../../../core/media-ref.js';
import { bundledDataDir, getTask } from '../../../tasks/registry.js';
import { temporaryFolder } from '../../helpers/cli.js';

const root = bundledDataDir(getTask('vqav2'));
const imageFolder = path.join(root, 'val2014');
const [firstImage, secondImage] = readdirSync(imageFolder).filter((name) => name.endsWith('.jpg'));

function request(sampleId: string, question: string, image = path.join(imageFolder, firstImage!), imageRoot = root): Request {
  return { sampleId, parts: [{ type: 'image', source: { kind: 'image', path: image, root: imageRoot } }, { type: 'text', text: question }], maxNewTokens: 10, numBeams: 1, stop: ['\n'] };
}

/** A runner that answers from a function and counts what it was asked. */
function countingRunner(answer: (request: Request) => Output, cacheIdentity: Record<string, unknown> | null = { modelName: 'm' }): Runner & { asked: string[] } {
  const asked: string[] = [];
  return {
    id: 'fake',
    modelId: 'm',
    batchSize: 1,
    maxInFlight: 4,
    ...(cacheIdentity ? { cacheIdentity } : {}),
    asked,
    async generate(batch) {
      asked.push(...batch.map((item) => item.sampleId));
      return batch.map(answer);
    },
    async close() {},
  };
}

const answered = (text: string): Output => ({ text, finishReason: 'stop', latencyMs: 5, tokens: 1 });
const running = new AbortController().signal;

test('the key hashes image bytes, not paths, with the identity and generation settings; not the sample id', async () => {
  const keyer = new RequestKeyer();
  const copyFolder = temporaryFolder();
  copyFileSync(path.join(imageFolder, firstImage!), path.join(copyFolder, 'renamed.jpg'));
  const identity = { modelName: 'emu2-chat' };
  const base = await keyer.keyOf(request('a', 'What color?'), identity);
  assert.match(base, /^[0-9a-f]{64}$/);
  assert.equal(await keyer.keyOf(request('b', 'What color?'), identity), base);
  assert.equal(await keyer.keyOf(request('a', 'What color?', path.join(copyFolder, 'renamed.jpg'), copyFolder), identity), base);
  const different = [
    await keyer.keyOf(request('a', 'What color?', path.join(imageFolder, secondImage!)), identity),
    await keyer.keyOf(request('a', 'What shape?'), identity),
    await keyer.keyOf(request('a', 'What color?'), { modelName: 'other' }),
    await keyer.keyOf({ ...request('a', 'What color?'), maxNewTokens: 11 }, identity),
    await keyer.keyOf({ ...request('a', 'What color?'), system: 'Be brief.' }, identity),
    await keyer.keyOf({ ...request('a', 'What color?'), temperature: 0.5 }, identity),
    await keyer.keyOf({ ...request('a', 'What color?'), seed: 1 }, identity),
  ];
  assert.equal(new Set([base, ...different]).size, different.length + 1);
});

test('an image carried as bytes keys by its content: the same as the same picture in a file, never by where it came from', async () => {
  const keyer = new RequestKeyer();
  const identity = { modelName: 'emu2-chat' };
  const withImage = (source: MediaRef): Request => ({ ...request('a', 'What color?'), parts: [{ type: 'image', source }, { type: 'text', text: 'What color?' }] });
  const bytes = readFileSync(path.join(imageFolder, firstImage!));
  const fromFile = await keyer.keyOf(request('a', 'What color?'), identity);
  const fromBytes = await keyer.keyOf(withImage(imageFromBytes(bytes, { file: '/data/a.parquet', field: 'row 3, column image' })), identity);
  const fromOtherRow = await keyer.keyOf(withImage(imageFromBytes(Buffer.from(bytes), { file: '/data/b.parquet', field: 'row 9, column image' })), identity);
  const otherPicture = await keyer.keyOf(withImage(imageFromBytes(readFileSync(path.join(imageFolder, secondImage!)), { file: '/data/a.parquet', field: 'row 3, column image' })), identity);
  assert.equal(fromBytes, fromFile);
  assert.equal(fromOtherRow, fromFile);
  assert.notEqual(otherPicture, fromFile);
});

test('a repeated request is answered from the cache and marked; errors are never stored', async () => {
  const directory = temporaryFolder();
  const inner = countingRunner((item) => (item.parts.some((part) => part.type === 'text' && part.text === 'fails') ? { text: '', finishReason: 'error', error: 'HTTP 503', latencyMs: 1 } : answered(`re: ${item.sampleId}`)));
  const runner = withResponseCache(inner, { directory }) as CachedRunner;
  assert.equal(runner.maxInFlight, 4);
  const first = await runner.generate([request('1', 'What color?'), request('2', 'fails')], running);
  assert.deepEqual(first.map((output) => [output.text, output.finishReason, output.cached ?? false]), [['re: 1', 'stop', false], ['', 'error', false]]);
  const second = await runner.generate([request('3', 'How many?'), request('1b', 'What color?'), request('2b', 'fails')], running);
  assert.deepEqual(second.map((output) => [output.text, output.cached ?? false]), [['re: 3', false], ['re: 1', true], ['', false]]);
  assert.equal(second[1]!.tokens, 1);
  assert.deepEqual(inner.asked, ['1', '2', '3', '2b']);
  assert.deepEqual(runner.cacheStats(), { hits: 1, misses: 4, writes: 2, writeFailures: 0 });
});

test('a torn or foreign cache file reads as a miss and is replaced', async () => {
  const directory = temporaryFolder();
  const inner = countingRunner(() => answered('fresh'));
  const runner = withResponseCache(inner, { directory });
  await runner.generate([request('1', 'q')], running);
  const store = new ResponseStore(directory);
  const key = await new RequestKeyer().keyOf(request('1', 'q'), { modelName: 'm' });
  const file = store.fileFor(key);
  writeFileSync(file, readFileSync(file, 'utf8').slice(0, 20));
  const [afterTear] = await runner.generate([request('1', 'q')], running);
  assert.equal(afterTear!.cached ?? false, false);
  assert.equal(inner.asked.length, 2);
  const [afterRewrite] = await runner.generate([request('1', 'q')], running);
  assert.equal(afterRewrite!.cached, true);
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), key: 'another' }));
  assert.equal(await store.get(key), undefined);
});

test('concurrent writers of one key never expose a partial entry and leave no temporary files', async () => {
  const directory = temporaryFolder();
  const writers = [new ResponseStore(directory), new ResponseStore(directory)];
  const key = 'ab'.repeat(32);
  const long = 'x'.repeat(200_000);
  await writers[0]!.put(key, { text: long, finishReason: 'stop', latencyMs: 1 });
  const operations: Array<Promise<unknown>> = [];
  for (let round = 0; round < 40; round += 1) {
    operations.push(writers[round % 2]!.put(key, { text: long, finishReason: 'stop', latencyMs: round }));
    operations.push(
      writers[(round + 1) % 2]!.get(key).then((entry) => {
        assert.ok(entry && 'text' in entry, 'an entry is always readable');
        assert.equal(entry.text.length, long.length);
      }),
    );
  }
  await Promise.all(operations);
  assert.deepEqual(readdirSync(path.join(directory, 'ab')), [`${key}.json`]);
});

test('a runner that does not decode deterministically passes through uncached, saying so', async () => {
  const directory = temporaryFolder();
  const inner = countingRunner(() => answered('sampled'), null);
  const runner = withResponseCache(inner, { directory });
  await runner.generate([request('1', 'q')], running);
  await runner.generate([request('1', 'q')], running);
  assert.equal(inner.asked.length, 2);
  assert.match(runner.warnings!.join('\n'), /not cached/);
  assert.deepEqual(readdirSync(directory), []);
});

test('the default folder is $EMU_EVAL_CACHE/responses, else .cache/responses in the repository', () => {
  const saved = process.env.EMU_EVAL_CACHE;
  try {
    process.env.EMU_EVAL_CACHE = '/tmp/emu-cache';
    assert.equal(defaultCacheDirectory(), '/tmp/emu-cache/responses');
    delete process.env.EMU_EVAL_CACHE;
    assert.match(defaultCacheDirectory(), /[\\/]\.cache[\\/]responses$/);
  } finally {
    if (saved === undefined) delete process.env.EMU_EVAL_CACHE;
    else process.env.EMU_EVAL_CACHE = saved;
  }
});

test('loglik requests are cached under keys of their own, and a runner that cannot score stays without the method', async () => {
  const directory = temporaryFolder();
  const scored: string[] = [];
  const inner: Runner = {
    ...countingRunner((item) => answered(`generated for ${item.sampleId}`)),
    async scoreContinuations(batch) {
      scored.push(...batch.map((item) => item.sampleId));
      return batch.map((item) => (item.sampleId === 'broken' ? { logprobs: [], tokens: [], error: 'server fault', latencyMs: 1 } : { logprobs: item.continuations.map((_, index) => -1 - index), tokens: item.continuations.map(() => 1), latencyMs: 3 }));
    },
  };
  const cached = withResponseCache(inner, { directory }) as CachedRunner;
  // The key leaves the sample id out: 'broken' differs by its question.
  const loglik = (sampleId: string, continuations = ['yes', 'no']) => ({ sampleId, parts: request(sampleId, sampleId === 'broken' ? 'broken?' : 'hateful?').parts, continuations });
  const first = await cached.scoreContinuations!([loglik('a'), loglik('broken')], running);
  assert.deepEqual(first[0]!.logprobs, [-1, -2]);
  assert.equal(first[1]!.error, 'server fault');
  const again = await cached.scoreContinuations!([loglik('a2'), loglik('broken'), loglik('a3', ['no', 'yes'])], running);
  assert.deepEqual({ logprobs: again[0]!.logprobs, tokens: again[0]!.tokens, cached: again[0]!.cached }, { logprobs: [-1, -2], tokens: [1, 1], cached: true });
  assert.deepEqual(scored, ['a', 'broken', 'broken', 'a3'], 'same prompt and continuations hit; an error is asked again; other continuations miss');
  // The same prompt as a generation request is not answered from the scores, nor the other way round.
  const generated = await cached.generate([request('g', 'hateful?')], running);
  assert.equal(generated[0]!.text, 'generated for g');
  const keyer = new RequestKeyer();
  assert.notEqual(await keyer.loglikKeyOf(loglik('k', []), { modelName: 'm' }), await keyer.keyOf({ ...request('k', 'hateful?'), maxNewTokens: 0, numBeams: 0, stop: [] }, { modelName: 'm' }));
  const generateOnly = withResponseCache(countingRunner((item) => answered(item.sampleId)), { directory });
  assert.equal(generateOnly.scoreContinuations, undefined);
  assert.equal(withResponseCache(countingRunner((item) => answered(item.sampleId), null)).scoreContinuations, undefined);
});
