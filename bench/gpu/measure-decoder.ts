// Child process of `npm run bench -- gpu` (started with the CUDA libraries on LD_LIBRARY_PATH, which the
// dynamic loader reads only at process start): loads the exported decoder on one execution provider and
// times a prefill and cached decode steps at each batch size. The KV cache stays on the GPU between steps
// (present.* outputs bound to 'gpu-buffer', fed back as past_key_values.*); only the last position's logits
// come back to the host. Prints one JSON line (MeasureResult) last.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fillSeededUniform } from '../../core/random.js';
import { float32ArrayToFloat16Bits } from '../../runners/onnx/float16.js';

export interface MeasureSpec {
  /** A folder whose node_modules holds the onnxruntime-node to use; absent = the project's own. */
  runtime?: string;
  model: string;
  provider: 'cuda' | 'cpu';
  kvLocation: 'gpu-buffer' | 'cpu';
  promptLength: number;
  decodeSteps: number;
  warmupSteps: number;
  batches: number[];
}

export interface BatchMeasurement {
  batch: number;
  prefillMs: number;
  stepMsMedian: number;
  stepMsMean: number;
  /** Memory in use after this batch's steps: the GPU's (nvidia-smi) on CUDA, the process's resident set on CPU. */
  memoryMiB: number;
  kvCacheMiB: number;
}

export interface MeasureResult {
  ortVersion: string;
  device: string;
  sessionLoadMs: number;
  visionMs: number;
  batches: BatchMeasurement[];
}

type Ort = typeof import('onnxruntime-node');
type OrtTensor = InstanceType<Ort['Tensor']>;
type OrtSession = Awaited<ReturnType<Ort['InferenceSession']['create']>>;

async function loadOrt(runtime: string | undefined): Promise<Ort> {
  if (!runtime) return import('onnxruntime-node');
  return createRequire(path.join(runtime, 'node_modules', 'resolve-from-here.js'))('onnxruntime-node') as Ort;
}

export async function measureDecoder(spec: MeasureSpec): Promise<MeasureResult> {
  const ort = await loadOrt(spec.runtime);
  const config = JSON.parse(readFileSync(path.join(spec.model, 'config.json'), 'utf8'));
  const text = config.text_config ?? config;
  const layers: number = text.num_hidden_layers;
  const hidden: number = text.hidden_size;
  const kvHeads: number = text.num_key_value_heads ?? text.num_attention_heads;
  const headDim: number = text.head_dim ?? hidden / text.num_attention_heads;
  const executionProviders = spec.provider === 'cuda' ? [{ name: 'cuda', deviceId: 0 }] : ['cpu'];
  const presentNames = Array.from({ length: layers }, (_, layer) => [`present.${layer}.key`, `present.${layer}.value`]).flat();
  const options = {
    executionProviders,
    graphOptimizationLevel: 'all' as const,
    logSeverityLevel: 3 as const,
    ...(spec.kvLocation === 'gpu-buffer' ? { preferredOutputLocation: Object.fromEntries(presentNames.map((name) => [name, 'gpu-buffer' as const])) } : {}),
  };
  const loadStarted = performance.now();
  const decoder = await ort.InferenceSession.create(path.join(spec.model, 'onnx', 'decoder_model_merged_fp16.onnx'), options);
  const sessionLoadMs = performance.now() - loadStarted;

  const half = (values: Float32Array) => float32ArrayToFloat16Bits(values);
  const randomHalf = (length: number, seed: number) => {
    const values = new Float32Array(length);
    fillSeededUniform(values, seed, -0.05, 0.05);
    return half(values);
  };

  // The image encoder once at batch 1 (warm-up run first), for the prefill of an image prompt.
  const vision = await ort.InferenceSession.create(path.join(spec.model, 'onnx', 'vision_encoder_fp16.onnx'), { executionProviders, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
  const size: number = config.vision_config?.image_size ?? 336;
  const pixels = new ort.Tensor('float16', randomHalf(3 * size * size, 1), [1, 3, size, size]);
  await vision.run({ pixel_values: pixels });
  const visionStarted = performance.now();
  await vision.run({ pixel_values: pixels });
  const visionMs = performance.now() - visionStarted;
  await vision.release();

  const batches: BatchMeasurement[] = [];
  for (const batch of spec.batches) batches.push(await measureBatch(ort, decoder, spec, { batch, layers, hidden, kvHeads, headDim, randomHalf }));
  await decoder.release();
  return { ortVersion: ort.env.versions?.node ?? 'unknown', device: deviceName(spec.provider), sessionLoadMs, visionMs, batches };
}

interface Shape {
  batch: number;
  layers: number;
  hidden: number;
  kvHeads: number;
  headDim: number;
  randomHalf: (length: number, seed: number) => Uint16Array;
}

async function measureBatch(ort: Ort, decoder: OrtSession, spec: MeasureSpec, shape: Shape): Promise<BatchMeasurement> {
  const { batch, layers, hidden, kvHeads, headDim, randomHalf } = shape;
  const int64 = (values: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims);
  const emptyPast = new ort.Tensor('float16', new Uint16Array(0), [batch, kvHeads, 0, headDim]);
  let past: Record<string, OrtTensor> = {};
  for (let layer = 0; layer < layers; layer++) {
    past[`past_key_values.${layer}.key`] = emptyPast;
    past[`past_key_values.${layer}.value`] = emptyPast;
  }
  const release = (tensors: Record<string, OrtTensor>) => {
    for (const tensor of Object.values(tensors)) if (tensor.location === 'gpu-buffer') tensor.dispose();
  };
  let length = 0;
  const step = async (tokens: number, seed: number) => {
    const total = length + tokens;
    const feeds: Record<string, OrtTensor> = {
      inputs_embeds: new ort.Tensor('float16', randomHalf(batch * tokens * hidden, seed), [batch, tokens, hidden]),
      attention_mask: int64(new Array(batch * total).fill(1), [batch, total]),
      position_ids: int64(Array.from({ length: batch * tokens }, (_, index) => length + (index % tokens)), [batch, tokens]),
      num_logits_to_keep: int64([1], []),
      ...past,
    };
    const outputs = await decoder.run(feeds);
    const next: Record<string, OrtTensor> = {};
    for (let layer = 0; layer < layers; layer++) {
      next[`past_key_values.${layer}.key`] = outputs[`present.${layer}.key`];
      next[`past_key_values.${layer}.value`] = outputs[`present.${layer}.value`];
    }
    if (length > 0) release(past);
    past = next;
    length = total;
    return outputs.logits;
  };

  const prefillStarted = performance.now();
  await step(spec.promptLength, 100 + batch);
  const prefillMs = performance.now() - prefillStarted;
  for (let index = 0; index < spec.warmupSteps; index++) await step(1, 200 + index);
  const times: number[] = [];
  for (let index = 0; index < spec.decodeSteps; index++) {
    const started = performance.now();
    await step(1, 300 + index);
    times.push(performance.now() - started);
  }
  const kvCacheMiB = (2 * layers * batch * kvHeads * length * headDim * 2) / 2 ** 20;
  const memoryMiB = memoryInUse(spec.provider);
  release(past);
  const sorted = [...times].sort((left, right) => left - right);
  return {
    batch,
    prefillMs,
    stepMsMedian: sorted[Math.floor(sorted.length / 2)],
    stepMsMean: times.reduce((sum, time) => sum + time, 0) / times.length,
    memoryMiB,
    kvCacheMiB,
  };
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
  const result = await measureDecoder(spec);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
