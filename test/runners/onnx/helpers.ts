// Shared setup for the ONNX runner tests: the cached tiny-emu folder, synthetic images inside a data
// root, requests, and an in-process generation context (no worker) for tests of the search code.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { readMedia } from '../../../core/safe-path.js';
import type { Request } from '../../../core/contracts/runner.js';
import type { MediaRef } from '../../../core/contracts/task.js';
import { ChatTemplate } from '../../../runners/onnx/chat-template.js';
import type { GenerationContext, GenerationRow } from '../../../runners/onnx/generation-types.js';
import { preprocessImage, resolvePreprocessing } from '../../../runners/onnx/image-preprocess.js';
import { openModelFolder, type ModelFolder } from '../../../runners/onnx/model-folder.js';
import { PromptEncoder } from '../../../runners/onnx/prompt-encoding.js';
import { createModelSessions, type DecodeLoop, type ModelSessions } from '../../../runners/onnx/sessions.js';
import { resolveImageTokens, TextTokenizer } from '../../../runners/onnx/tokenizer.js';
import { ensureTinyEmu } from '../../../runners/onnx/tiny-emu/ensure-tiny-emu.js';

export function temporaryFolder(prefix = 'emu-eval-onnx-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Writes `count` distinct noise images of varied sizes into `root`; returns their refs. */
export async function writeImages(root: string, count: number): Promise<MediaRef[]> {
  const refs: MediaRef[] = [];
  for (let index = 0; index < count; index++) {
    const width = 160 + 24 * index;
    const height = 120 + 16 * (index % 3);
    const pixels = Buffer.alloc(width * height * 3);
    for (let offset = 0; offset < pixels.length; offset++) pixels[offset] = (offset * (index + 3) * 7919 + index * 37) % 251;
    const file = path.join(root, `image-${index}.png`);
    await sharp(pixels, { raw: { width, height, channels: 3 } }).png().toFile(file);
    refs.push({ kind: 'image', path: file, root });
  }
  return refs;
}

export function imageRequest(image: MediaRef | undefined, question: string, overrides: Partial<Request> = {}): Request {
  const parts: Request['parts'] = image ? [{ type: 'image', source: image }] : [];
  parts.push({ type: 'text', text: ` based on the picture, ${question} short answer:` });
  return { sampleId: question, parts, maxNewTokens: 8, numBeams: 1, stop: [], ...overrides };
}

export interface InProcessModel {
  folder: ModelFolder;
  model: ModelSessions;
  tokenizer: TextTokenizer;
  encoder: PromptEncoder;
  context: GenerationContext;
  /** Encodes requests and preprocesses their images, as the runner's main thread does. */
  rows(requests: Request[]): Promise<GenerationRow[]>;
}

export async function loadInProcess(directory?: string, decodeLoop: DecodeLoop = 'step'): Promise<InProcessModel> {
  const folder = await openModelFolder(directory ?? (await ensureTinyEmu()));
  const tokenizer = new TextTokenizer(folder.tokenizerJson, folder.tokenizerConfig);
  const model = await createModelSessions(folder, folder.settings, { executionProviders: ['cpu'], intraOpThreads: 1, decodeLoop }, tokenizer.vocabularySize());
  const preprocessing = resolvePreprocessing(folder.preprocessor);
  const tokensPerImage = model.signature.vision.imageTokenCount ?? 64;
  const encoder = new PromptEncoder({
    tokenizer,
    imageTokens: resolveImageTokens(folder.settings, tokenizer, folder.directory),
    tokensPerImage,
    chatTemplate: folder.chatTemplate ? new ChatTemplate(folder.chatTemplate, folder.tokenizerConfig) : undefined,
    maxPositions: folder.settings.maxPositions,
    tokenizeTextBetweenImages: folder.settings.tokenizeTextBetweenImages,
  });
  const context: GenerationContext = {
    model,
    decode: (ids) => tokenizer.decode(ids),
    eosTokenIds: new Set(folder.settings.eosTokenIds),
    padTokenId: folder.settings.padTokenId ?? 0,
    imageTokenId: folder.settings.imageTokenId,
    geometry: { height: preprocessing.height, width: preprocessing.width, tokensPerImage },
    lengthPenalty: folder.settings.lengthPenalty,
    earlyStopping: folder.settings.earlyStopping,
    shouldStop: () => false,
  };
  const rows = async (requests: Request[]) =>
    Promise.all(
      requests.map(async (request) => {
        const encoded = encoder.encode(request);
        const size = 3 * preprocessing.height * preprocessing.width;
        const pixelValues = encoded.images.length > 0 ? new Float32Array(size * encoded.images.length) : undefined;
        for (const [index, image] of encoded.images.entries()) {
          pixelValues?.set(await preprocessImage(await readMedia(image), preprocessing), index * size);
        }
        return { inputIds: encoded.inputIds, pixelValues, imageCount: encoded.images.length, maxNewTokens: request.maxNewTokens, numBeams: request.numBeams, stop: request.stop };
      }),
    );
  return { folder, model, tokenizer, encoder, context, rows };
}
