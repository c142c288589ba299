// The ONNX backend: createOnnxRunner(modelDir, options) loads a transformers.js-style VLM folder and
// returns a Runner. The main thread renders prompts, reads and preprocesses images (ahead of the
// workers, bounded to workers + 1 batches alive at once); workers run the vision encoder, embeddings and
// decoder loop. Per-request problems come back as error outputs; the batch goes on.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { errorMessage } from '../../core/errors.js';
import { explainImageError } from '../../core/image-header.js';
import { readMedia } from '../../core/safe-path.js';
import type { MediaRef } from '../../core/contracts/task.js';
import type { LoglikOutput, Output, Request, Runner } from '../../core/contracts/runner.js';
import { ChatTemplate } from './chat-template.js';
import { mapLimited, Semaphore } from './concurrency.js';
import type { GenerationRow } from './generation-types.js';
import { preprocessImage, resolvePreprocessing, type ImagePreprocessing } from './image-preprocess.js';
import { openModelFolder, type ModelFolder } from './model-folder.js';
import { countParameters, declaredParameters } from './param-count.js';
import type { PromptRow } from './prompt-embedding.js';
import { PromptEncoder } from './prompt-encoding.js';
import { loglikRow } from './loglik-row.js';

import { assertProvidersInstalled, defaultThreads, executionProviders, resolveDevices } from './providers.js';
import type { DecodeLoop } from './sessions.js';
import { resolveImageTokens, TextTokenizer } from './tokenizer.js';
import { WorkerPool } from './worker-pool.js';
import type { WorkerInit } from './worker-protocol.js';
import { mediaOrigin } from '../../core/media-ref.js';

export const SMOKE_TEST_NOTE = 'tiny-emu is a random-weight smoke-test model: its scores are near zero by design';
const DEFAULT_BATCH_SIZE = 8;
const DEFAULT_MAX_NEW_TOKENS = 16;

export interface OnnxRunnerOptions {
  /** `cpu | cuda[:N] | tensorrt[:N]`. */
  device?: string;
  /** GPU ids, one worker each. */
  devices?: string[];
  /** Weight file suffix (fp16, q4 ...). */
  dtype?: string;
  /** Intra-op threads per worker. */
  threads?: number;
  /** `step` (default) or `graph`: see DecodeLoop in ./sessions.ts. */
  decodeLoop?: DecodeLoop;
  /** Declared total parameter count, over the one counted from the graph. */
  params?: number;
  batchSize?: number;
  /** Fallbacks for requests that do not say. */
  maxNewTokens?: number;
  numBeams?: number;
}

interface PreparedRequest<Row extends PromptRow> {
  row?: Row;
  error?: string;
}

export async function createOnnxRunner(modelDir: string, options: OnnxRunnerOptions = {}): Promise<Runner> {
  const folder = await openModelFolder(modelDir, options.dtype);
  const targets = resolveDevices(options.device, options.devices);
  assertProvidersInstalled(targets);
  const tokenizer = new TextTokenizer(folder.tokenizerJson, folder.tokenizerConfig);
  const imageTokens = resolveImageTokens(folder.settings, tokenizer, folder.directory);
  const preprocessing = resolvePreprocessing(folder.preprocessor, path.join(folder.directory, 'preprocessor_config.json'));
  const chatTemplate = folder.chatTemplate === undefined ? undefined : new ChatTemplate(folder.chatTemplate, folder.tokenizerConfig);

  const inits: WorkerInit[] = targets.map((target) => ({
    type: 'init',
    directory: folder.directory,
    files: folder.files,
    settings: folder.settings,
    tokenizerJson: folder.tokenizerJson,
    tokenizerConfig: folder.tokenizerConfig,
    tokenizerVocabularySize: tokenizer.vocabularySize(),
    session: { executionProviders: executionProviders(target), intraOpThreads: options.threads ?? defaultThreads(target, targets.length), decodeLoop: options.decodeLoop ?? 'step' },
    imageHeight: preprocessing.height,
    imageWidth: preprocessing.width,
    label: target.label,
  }));
  const { pool, ready } = await WorkerPool.start(inits);
  const tokensPerImage = ready[0].tokensPerImage;
  const encoder = new PromptEncoder({ tokenizer, imageTokens, tokensPerImage, chatTemplate, maxPositions: folder.settings.maxPositions, tokenizeTextBetweenImages: folder.settings.tokenizeTextBetweenImages });
  const maxInFlight = targets.length + 1;
  // Image decoding shares the CPU with onnxruntime's CPU threads; keep it to the cores they leave free.
  const cpuThreads = inits.reduce((sum, init) => sum + (init.session.intraOpThreads ?? 1), 0);
  const decodeConcurrency = Math.max(1, Math.min(8, availableParallelism() - cpuThreads));
  const batchesAlive = new Semaphore(maxInFlight);

  /**
   * One batch of either request kind: prepared on this thread (bounded to maxInFlight batches alive),
   * computed by the next idle worker, each request's result or error turned into its output.
   */
  function runBatch<Row extends PromptRow, Result, Out>(
    count: number,
    encodeRow: (index: number) => { row: Omit<Row, 'pixelValues'>; images: MediaRef[] },
    compute: (rows: Row[], transfer: ArrayBuffer[]) => Promise<{ results: Result[]; computeMs: number }>,
    toOutput: (result: Result, latencyMs: number) => Out,
    toError: (message: string | undefined, latencyMs: number) => Out,
    signal: AbortSignal,
  ): Promise<Out[]> {
    return batchesAlive.use(async () => {
      signal.throwIfAborted();
      const started = performance.now();
      const prepared = await prepareBatch<Row>(count, encodeRow, preprocessing, decodeConcurrency);
      const preparationMs = performance.now() - started;
      signal.throwIfAborted();
      const runnable = prepared.flatMap((entry) => (entry.row ? [entry.row] : []));
      let results: Result[] = [];
      let computeMs = 0;
      if (runnable.length > 0) {
        const transfer = runnable.flatMap((row) => (row.pixelValues ? [row.pixelValues.buffer as ArrayBuffer] : []));
        ({ results, computeMs } = await compute(runnable, transfer));
      }
      const latencyMs = preparationMs + computeMs;
      let next = 0;
      return prepared.map((entry) => (entry.row ? toOutput(results[next++], latencyMs) : toError(entry.error, latencyMs)));
    });
  }

  return {
    id: 'onnx',
    modelId: modelIdentity(folder),
    params: options.params !== undefined ? declaredParameters(options.params) : countParameters(folder),
    notes: runnerNotes(folder, targets.map((target) => target.kind)),
    warnings: chatTemplate ? [] : ['the model has no chat template: a request with a system message is encoded as "<system> <prompt>" plain text'],
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    maxInFlight,
    ...(folder.settings.maxPositions !== undefined ? { contextLength: folder.settings.maxPositions } : {}),
    // Lets the engine drop few-shot demonstrations that would overflow the context (fit-to-context.ts).
    promptTokens: async (request) => encoder.countTokens(request),
    generate: (batch, signal) =>
      runBatch(
        batch.length,
        (index) => generationRow(batch[index], encoder, folder, options),
        (rows, transfer) => pool.run(rows, transfer, signal),
        (result, latencyMs): Output => ({ text: result.text, finishReason: result.finishReason, latencyMs, tokens: result.tokenIds.length, ...(result.error !== undefined ? { error: result.error } : {}) }),
        (error, latencyMs): Output => ({ text: '', finishReason: 'error', error, latencyMs }),
        signal,
      ),
    scoreContinuations: (batch, signal) =>
      runBatch(
        batch.length,
        (index) => loglikRow(batch[index], encoder, tokenizer, folder),
        (rows, transfer) => pool.score(rows, transfer, signal),
        (result, latencyMs): LoglikOutput => ({ logprobs: result.logprobs, tokens: result.tokens, ...(result.error !== undefined ? { error: result.error } : {}), latencyMs }),
        (error, latencyMs): LoglikOutput => ({ logprobs: [], tokens: [], error, latencyMs }),
        signal,
      ),
    close: () => pool.close(),
  };
}

/**
 * Encodes every prompt (`encodeRow` builds a row without its pixels, a throw is that request's error),
 * then decodes all the batch's images with bounded concurrency into each row's pixel tensor. A request
 * whose prompt or image fails gets an error entry; the others are unaffected.
 */
async function prepareBatch<Row extends PromptRow>(
  count: number,
  encodeRow: (index: number) => { row: Omit<Row, 'pixelValues'>; images: MediaRef[] },
  preprocessing: ImagePreprocessing,
  decodeConcurrency: number,
): Promise<Array<PreparedRequest<Row>>> {
  const imageSize = 3 * preprocessing.height * preprocessing.width;
  const prepared: Array<PreparedRequest<Row>> = [];
  const images: Array<{ request: number; index: number; ref: MediaRef }> = [];
  for (let requestIndex = 0; requestIndex < count; requestIndex++) {
    let encoded;
    try {
      encoded = encodeRow(requestIndex);
    } catch (error) {
      prepared.push({ error: errorMessage(error) });
      continue;
    }
    encoded.images.forEach((ref, index) => images.push({ request: requestIndex, index, ref }));
    const pixelValues = encoded.images.length > 0 ? new Float32Array(encoded.images.length * imageSize) : undefined;
    prepared.push({ row: { ...encoded.row, pixelValues } as Row });
  }
  await mapLimited(images, decodeConcurrency, async (image) => {
    const entry = prepared[image.request];
    if (!entry.row) return;
    try {
      const pixels = await loadImage(image.ref, preprocessing);
      entry.row?.pixelValues?.set(pixels, image.index * imageSize);
    } catch (error) {
      entry.row = undefined;
      entry.error = errorMessage(error);
    }
  });
  return prepared;
}

/** The generation row of one request; the budget of new tokens shrinks to fit max_position_embeddings. */
function generationRow(request: Request, encoder: PromptEncoder, folder: ModelFolder, options: OnnxRunnerOptions): { row: Omit<GenerationRow, 'pixelValues'>; images: MediaRef[] } {
  const encoded = encoder.encode(request);
  const requestedTokens = request.maxNewTokens > 0 ? request.maxNewTokens : (options.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS);
  const room = folder.settings.maxPositions === undefined ? requestedTokens : folder.settings.maxPositions - encoded.inputIds.length;
  return {
    row: {
      inputIds: encoded.inputIds,
      imageCount: encoded.images.length,
      maxNewTokens: Math.min(requestedTokens, room),
      numBeams: request.numBeams > 0 ? request.numBeams : (options.numBeams ?? 1),
      stop: request.stop,
    },
    images: encoded.images,
  };
}

async function loadImage(image: MediaRef, preprocessing: ImagePreprocessing): Promise<Float32Array> {
  if (image.kind === 'video') throw new Error(`${image.path} is a video file: the ONNX runner takes video as sampled frames (runners/media)`);
  // A file is read after its containment check; inline bytes (a Parquet dataset's image column) are used as they are.
  const bytes = await readMedia(image);
  try {
    return await preprocessImage(bytes, preprocessing);
  } catch (error) {
    // One line per reason: libvips repeats its own, and a pixel-limit refusal gets the claimed size.
    throw new Error(`cannot decode image ${mediaOrigin(image)}: ${await explainImageError(error, bytes, bytes.length, () => preprocessImage(bytes, preprocessing))}`);
  }
}

function modelIdentity(folder: ModelFolder): string {
  const name = folder.settings.name || path.basename(folder.directory);
  const dtypes = [...new Set(Object.values(folder.dtypes))];
  return dtypes.length === 1 && dtypes[0] === 'fp32' ? name : `${name} (${Object.entries(folder.dtypes).map(([component, dtype]) => `${component}=${dtype}`).join(', ')})`;
}

function runnerNotes(folder: ModelFolder, kinds: string[]): string[] {
  const notes: string[] = [];
  if (folder.settings.smokeTest) notes.push(SMOKE_TEST_NOTE);
  if (kinds.some((kind) => kind !== 'cpu')) {
    notes.push('onnxruntime-node has no IO binding: the KV cache is copied between GPU and host memory at every decoder step');
  }
  return notes;
}
