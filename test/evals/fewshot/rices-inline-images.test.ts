import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { imageFromBytes, portableMediaIdentity } from '../../../core/media-ref.js';
import { cachedEmbeddings } from '../../../evals/fewshot/embedding-cache.js';
import type { Sample } from '../../../core/contracts/task.js';
import type { RunConfig } from '../../../artifact/schema.js';
import type { EngineEvent } from '../../../evals/events.js';
import { createRicesSelector } from '../../../evals/fewshot/rices-selector.js';
import type { PlannedTask } from '../../../evals/plan.js';
import { ensureTinyEmu } from '../../../runners/onnx/tiny-emu/ensure-tiny-emu.js';
import { inlineImageTask } from '../../helpers/inline-image-task.js';
import { asFile } from '../../helpers/media-refs.js';
import { temporaryFolder, writeImages } from '../../runners/onnx/helpers.js';

let savedCache: string | undefined;
before(() => {
  savedCache = process.env.EMU_EVAL_CACHE;
  process.env.EMU_EVAL_CACHE = temporaryFolder('emu-eval-rices-cache-');
});
after(() => {
  if (savedCache === undefined) delete process.env.EMU_EVAL_CACHE;
  else process.env.EMU_EVAL_CACHE = savedCache;
});

const sample = (id: string, bytes: Buffer, row: number, file: string): Sample => ({
  id,
  question: `question ${id}?`,
  answers: [`answer ${id}`],
  media: [imageFromBytes(bytes, { file, field: `row ${row}, column image` })],
  meta: {},
});

test('RICES over images carried as bytes: one support image per content, the query retrieves its own picture', { timeout: 60_000 }, async () => {
  const pictures = (await writeImages(temporaryFolder(), 3)).map((ref) => readFileSync(asFile(ref).path));
  // Two training questions about picture 0 (as a Parquet file repeats the image on each row); the
  // query rows hold copies of pictures 1 and 2, in other buffers from another file.
  const train = [sample('t0', pictures[0]!, 0, 'train.parquet'), sample('t0b', Buffer.from(pictures[0]!), 1, 'train.parquet'), sample('t1', pictures[1]!, 2, 'train.parquet'), sample('t2', pictures[2]!, 3, 'train.parquet')];
  const queries = [sample('q1', Buffer.from(pictures[1]!), 0, 'val.parquet'), sample('q2', Buffer.from(pictures[2]!), 1, 'val.parquet')];
  const adapter = inlineImageTask(
    [
      { name: 'val', hasAnswers: true, files: [] },
      { name: 'train', hasAnswers: true, files: [] },
    ],
    async function* ({ split }) {
      yield* split === 'train' ? train : queries;
    },
    'train',
  );
  const dataDir = temporaryFolder();
  const task: PlannedTask = {
    adapter,
    record: { id: 'inline', version: 1, metric: 'vqa_accuracy', split: 'val', hasAnswers: true, dataDir, bundledSample: false, fingerprint: 'f' } as PlannedTask['record'],
  };
  const events: EngineEvent[] = [];
  const config = { protocol: 'flamingo', shots: [3], ricesEncoder: await ensureTinyEmu() } as unknown as RunConfig;
  const selector = await createRicesSelector(task, config, { model: 'replay:none', selection: {}, emit: (event) => events.push(event) });
  assert.ok(events.some((event) => event.type === 'notice' && /embedding 3 training images/.test(event.message)), JSON.stringify(events));
  assert.deepEqual(selector.select(queries[0]!, 1, 0).map((demo) => demo.id), ['t1']);
  assert.deepEqual(selector.select(queries[1]!, 1, 0).map((demo) => demo.id), ['t2']);
  // All three pictures, the query's own last; both questions about picture 0 stay candidates for it: the seed picks one.
  const picks = [0, 1, 2, 3, 4, 5, 6, 7].map((seed) => selector.select(queries[0]!, 3, seed).map((demo) => demo.id));
  for (const ids of picks) assert.equal(ids[2], 't1');
  assert.deepEqual([...new Set(picks.flat().filter((id) => id.startsWith('t0')))].sort(), ['t0', 't0b']);
});

test('the embedding cache reads images a second time only on a miss, and refuses images that are not the ones listed', async () => {
  const images = [0, 1, 2].map((index) => imageFromBytes(Buffer.from(`image ${index}`), { file: 'val.parquet', field: `row ${index}, column image` }));
  let passes = 0;
  let embedded = 0;
  const embedder = {
    id: 'fake-encoder',
    dimension: 2,
    async embed(batch: unknown[]) {
      embedded += batch.length;
      return new Float32Array(batch.length * 2).fill(0.5);
    },
    async close() {},
  };
  const input = {
    identities: images.map(portableMediaIdentity),
    images: async function* () {
      passes += 1;
      yield* images;
    },
  };
  const first = await cachedEmbeddings(embedder, input, 'inline:val:f1');
  assert.deepEqual([first.rows, first.dimension, passes, embedded], [3, 2, 1, 3]);
  const again = await cachedEmbeddings(embedder, input, 'inline:val:f1');
  assert.deepEqual([again.file, passes, embedded], [first.file, 1, 3]);
  const changed = {
    identities: input.identities,
    images: async function* () {
      yield images[1]!;
    },
  };
  await assert.rejects(cachedEmbeddings(embedder, changed, 'inline:val:f2'), /image 0 is not the one listed .*the data changed while it was read/);
});
