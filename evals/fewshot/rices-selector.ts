import { ConfigError } from '../../core/errors.js';
import type { RunConfig } from '../../artifact/schema.js';
import { cachedEmbeddings, readAllEmbeddings, readEmbeddingBlocks } from './embedding-cache.js';
import { createImageEmbedder } from './image-embedder.js';
import { retrieveNeighbours } from './rices-retrieval.js';
import { randomFor } from './seeded-draw.js';
import { dataFingerprint } from '../../tasks/fingerprint.js';
import { demosNeeded, getPreset } from '../../tasks/prompts/presets.js';
import type { MediaRef, Sample } from '../../core/contracts/task.js';
import { mediaIdentity } from '../../core/media-ref.js';
import { parseModelSpec } from '../../runners/registry.js';
import { demoPool, type DemoSelector, type SelectorContext } from './demo-selector.js';
import { selectSamples, type PlannedTask } from '../plan.js';

/** The evaluated model's own vision encoder, when its backend has one: RICES's default encoder (docs/protocols.md#rices). */
async function defaultEncoderFolder(model: string): Promise<string> {
  const { backend, target } = parseModelSpec(model);
  if (backend.capabilities.visionEncoderFolder) return backend.capabilities.visionEncoderFolder(target);
  throw new ConfigError(`--demos rices needs --rices-encoder DIR (an ONNX image encoder folder) when the model is not an ONNX model (${model})`, true);
}

/** Groups training questions by image: retrieval ranks images, then one question per image is shown. */
async function supportImages(task: PlannedTask): Promise<{ images: MediaRef[]; examples: Sample[][] }> {
  // By identity: a file's path, or the content hash of inline bytes (a Parquet row per question repeats its image).
  const byImage = new Map<string, number>();
  const images: MediaRef[] = [];
  const examples: Sample[][] = [];
  for await (const sample of demoPool(task)) {
    const image = sample.media[0];
    if (!image || image.kind !== 'image') continue;
    let index = byImage.get(mediaIdentity(image));
    if (index === undefined) {
      index = images.length;
      byImage.set(mediaIdentity(image), index);
      images.push(image);
      examples.push([]);
    }
    examples[index]!.push({ ...sample, answers: sample.answers.slice(0, 1), meta: {} });
  }
  return { images, examples };
}

/**
 * RICES (open_flamingo): the training images most similar to the query image by cosine of
 * L2-normalized embeddings, the most similar shown last. Embeddings are cached on disk per encoder and
 * data; retrieval is onnxruntime Gemm + TopK over support blocks.
 */
export async function createRicesSelector(task: PlannedTask, config: RunConfig, context: SelectorContext): Promise<DemoSelector> {
  if (task.adapter.modality !== 'image') throw new ConfigError(`--demos rices retrieves by image similarity; ${task.record.id} is a ${task.adapter.modality} task`, true);
  const preset = getPreset(config.protocol);
  const maxDemos = Math.max(...config.shots.map((shots) => demosNeeded(preset, shots)));
  const encoderFolder = config.ricesEncoder ?? (await defaultEncoderFolder(context.model));
  // --threads, given for the model, sizes the encoder's sessions too.
  const threads = typeof context.runnerOptions?.threads === 'number' ? context.runnerOptions.threads : undefined;
  const embedder = await createImageEmbedder(encoderFolder, { threads });
  try {
    const support = await supportImages(task);
    if (support.images.length === 0) throw new ConfigError(`${task.record.id}: the training split has no images to retrieve demonstrations from`);
    const trainFingerprint = await dataFingerprint(task.adapter, task.record.dataDir, task.adapter.trainSplit!);
    context.emit({ type: 'notice', level: 'info', message: `RICES: embedding ${support.images.length} training images with ${embedder.id} (cached after the first run)` });
    const supportFile = await cachedEmbeddings(embedder, support.images, `${task.record.id}:${task.adapter.trainSplit}:${trainFingerprint}`);

    const queryIndex = new Map<string, number>();
    const queryImages: MediaRef[] = [];
    for await (const sample of selectSamples(task, context.selection)) {
      const image = sample.media[0];
      if (image && !queryIndex.has(mediaIdentity(image))) {
        queryIndex.set(mediaIdentity(image), queryImages.length);
        queryImages.push(image);
      }
    }
    const queryFile = await cachedEmbeddings(embedder, queryImages, `${task.record.id}:${task.record.split}:${task.record.fingerprint}`);
    const neighbours = await retrieveNeighbours(await readAllEmbeddings(queryFile), supportFile.dimension, readEmbeddingBlocks(supportFile), { k: maxDemos, threads });
    return {
      kind: 'rices',
      select(sample, count, seed) {
        const image = sample.media[0];
        const row = image ? queryIndex.get(mediaIdentity(image)) : undefined;
        if (row === undefined) return [];
        const take = Math.min(count, neighbours.k);
        const chosen: Sample[] = [];
        for (let rank = 0; rank < take; rank += 1) {
          const candidates = support.examples[neighbours.indices[row * neighbours.k + rank]!]!;
          const pick = candidates.length === 1 ? 0 : Math.floor(randomFor(seed, `${sample.id}:${rank}`)() * candidates.length);
          chosen.push(candidates[pick]!);
        }
        return chosen.reverse();
      },
    };
  } finally {
    await embedder.close();
  }
}
