// Child process of `npm run bench -- gpu` (started with the CUDA libraries on LD_LIBRARY_PATH, which the
// dynamic loader reads only at process start). Times generation as the ONNX runner does it — the
// runner's createModelSessions and generateRows, not a copy — on one execution provider, for each decode
// route at each batch size:
//   step:  JavaScript runs the decoder once per token; the KV cache goes through host memory each step
//          (on CUDA onnxruntime-node copies every output to the host: runners/onnx/README.md);
//   graph: one session run does the prefill and all N tokens inside an ONNX Loop (decodeLoop 'graph').
// Each batch runs with N and 2N new tokens and no EOS id (none can end a row early; the lengths are
// checked), so (time(2N) − time(N)) / N is the time per token with the prefill cancelled out.
// `placement` mode instead opens the route's sessions at onnxruntime's verbose log level and runs nothing:
// the parent reads the node placement lines from this process's stderr. Prints one JSON line last.
import { execFileSync } from 'node:child_process';
import { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fillSeededUniform } from '../../core/random.js';

/** Written to stderr after each route's sessions opened in placement mode. */
export const PLACEMENT_ROUTE_MARK = 'placement of route: ';

export type DecodeRoute = 'step' | 'graph';

export interface MeasureSpec {
  /** A folder whose node_modules holds the onnxruntime-node to use; absent = the project's own. */
  runtime?: string;
  model: string;
  provider: 'cuda' | 'cpu';
  mode: 'time' | 'placement';
  routes: DecodeRoute[];
  promptLength: number;
  /** N: each batch runs with N and 2N new tokens. */
  newTokens: number;
  /** Timed runs per length (the fastest counts: noise only adds time), after one warm-up run. */
  repeats: number;
  batches: number[];
}

export interface RouteMeasurement {
  route: DecodeRoute;
  batch: number;
  /** Fastest wall time of generateRows with N and with 2N new tokens. */
  shortMs: number;
  longMs: number;
  /** (longMs − shortMs) / N: one decode step for the whole batch, prefill cancelled out. */
  tokenMs: number;
  /** Memory in use after this batch: the GPU's (nvidia-smi) on CUDA, the process's resident set on CPU. */
  memoryMiB: number;
}

export interface MeasureResult {
  ortVersion: string;
  device: string;
  /** Session creation per route, ms. */
  sessionLoadMs: Partial<Record<DecodeRoute, number>>;
  measurements: RouteMeasurement[];
}

export async function measureGeneration(spec: MeasureSpec): Promise<MeasureResult> {
  if (spec.runtime) register(pathToFileURL(path.join(import.meta.dirname, 'runtime-hooks.ts')).href, { data: { runtime: spec.runtime } });
  // Imported only now, so that the hook above decides which onnxruntime-node they load.
  const { env } = await import('onnxruntime-node');
  // onnxruntime-node 1.29 also filters by the environment's level (read when the first session opens).
  if (spec.mode === 'placement') env.logLevel = 'verbose';
  const { openModelFolder } = await import('../../runners/onnx/model-folder.js');
  const { createModelSessions } = await import('../../runners/onnx/sessions.js');
  const { generateRows } = await import('../../runners/onnx/generate.js');
  const { generationContext } = await import('../../runners/onnx/generation-context.js');
  const { resolvePreprocessing } = await import('../../runners/onnx/image-preprocess.js');
  const { TextTokenizer } = await import('../../runners/onnx/tokenizer.js');
  const { defaultThreads, executionProviders, resolveDevices } = await import('../../runners/onnx/providers.js');

  const folder = await openModelFolder(spec.model, 'fp16');
  const tokenizer = new TextTokenizer(folder.tokenizerJson, folder.tokenizerConfig);
  const preprocessing = resolvePreprocessing(folder.preprocessor);
  // The sessions as `--device cuda` (or cpu) opens them in the runner: one worker's providers and threads.
  const [target] = resolveDevices(spec.provider, undefined);
  const session = { executionProviders: executionProviders(target), intraOpThreads: defaultThreads(target, 1) };
  const result: MeasureResult = { ortVersion: env.versions.node ?? 'unknown', device: deviceName(spec.provider), sessionLoadMs: {}, measurements: [] };
  for (const route of spec.routes) {
    const started = performance.now();
    const model = await createModelSessions(folder, folder.settings, { ...session, decodeLoop: route, logSeverityLevel: spec.mode === 'placement' ? 0 : 3 }, tokenizer.vocabularySize());
    result.sessionLoadMs[route] = performance.now() - started;
    if (spec.mode === 'placement') {
      process.stderr.write(`${PLACEMENT_ROUTE_MARK}${route}\n`); // the route whose placement lines precede this
      await model.release();
      continue;
    }
    const tokensPerImage = folder.settings.imageTokenCount ?? model.signature.vision.imageTokenCount;
    if (tokensPerImage === undefined) throw new Error(`${spec.model}: neither config.json nor the vision encoder says how many tokens an image takes`);
    // As the worker builds it, less the EOS ids: every row generates exactly its max_new_tokens (the
    // graph is fed -1, which no token is).
    const context = {
      ...generationContext(model, folder.settings, tokenizer, { height: preprocessing.height, width: preprocessing.width, tokensPerImage }),
      eosTokenIds: new Set<number>(),
      shouldStop: () => false,
    };
    for (const batch of spec.batches) {
      const rows = (newTokens: number) => imagePromptRows(batch, spec.promptLength, tokensPerImage, folder.settings.imageTokenId, model.signature.vocabularySize ?? tokenizer.vocabularySize(), 3 * preprocessing.height * preprocessing.width, newTokens);
      const timed = async (newTokens: number) => {
        const batchRows = rows(newTokens);
        const times: number[] = [];
        for (let run = 0; run < spec.repeats; run++) {
          const runStarted = performance.now();
          const generated = await generateRows(context, batchRows);
          times.push(performance.now() - runStarted);
          for (const [index, row] of generated.entries()) {
            if (row.finishReason === 'error') throw new Error(`${route} route, batch ${batch}, row ${index}: ${row.error}`);
            if (row.tokenIds.length !== newTokens) throw new Error(`${route} route, batch ${batch}, row ${index}: generated ${row.tokenIds.length} tokens, expected ${newTokens}`);
          }
        }
        return Math.min(...times);
      };
      await generateRows(context, rows(spec.newTokens)); // warm-up: allocations, kernel selection
      const shortMs = await timed(spec.newTokens);
      const longMs = await timed(2 * spec.newTokens);
      result.measurements.push({ route, batch, shortMs, longMs, tokenMs: (longMs - shortMs) / spec.newTokens, memoryMiB: memoryInUse(spec.provider) });
    }
    await model.release();
  }
  return result;
}

/** `batch` LLaVA-style prompts of `length` ids: one image's placeholders, then distinct text ids; random pixels. */
function imagePromptRows(batch: number, length: number, tokensPerImage: number, imageTokenId: number, vocabularySize: number, pixelCount: number, maxNewTokens: number) {
  if (length <= tokensPerImage) throw new Error(`--prompt ${length}: the prompt must be longer than one image's ${tokensPerImage} tokens`);
  return Array.from({ length: batch }, (_, row) => {
    const text = Array.from({ length: length - tokensPerImage }, (_, index) => {
      const id = (row * 131 + index * 7 + 1) % vocabularySize;
      return id === imageTokenId ? (id + 1) % vocabularySize : id;
    });
    const pixelValues = new Float32Array(pixelCount);
    fillSeededUniform(pixelValues, row + 1, -1, 1);
    return { inputIds: [...new Array<number>(tokensPerImage).fill(imageTokenId), ...text], pixelValues, imageCount: 1, maxNewTokens, numBeams: 1, stop: [] };
  });
}

function nvidiaSmi(query: string): string | undefined {
  try {
    return execFileSync('nvidia-smi', [`--query-gpu=${query}`, '--format=csv,noheader,nounits', '--id=0'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

function memoryInUse(provider: MeasureSpec['provider']): number {
  if (provider === 'cuda') return Number(nvidiaSmi('memory.used') ?? Number.NaN);
  return process.memoryUsage().rss / 2 ** 20;
}

function deviceName(provider: MeasureSpec['provider']): string {
  if (provider === 'cuda') return nvidiaSmi('name') ?? 'unknown NVIDIA GPU';
  return 'CPU';
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const spec = JSON.parse(process.argv[2]) as MeasureSpec;
  const result = await measureGeneration(spec);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
