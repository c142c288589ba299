// Runs an exported tiny LLaVA's three graphs of one dtype directly with onnxruntime: the full pipeline
// (embed_tokens, vision_encoder, decoder) without the runner, so a quantized export can be compared
// with the float32 one position by position.
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { readFloat32 } from '../../../runners/onnx/tensors.js';
import { TINY_LLAVA } from './tiny-llava-checkpoint.js';

export interface ExportSessions {
  embed: InferenceSession;
  vision: InferenceSession;
  decoder: InferenceSession;
  release(): Promise<void>;
}

/** `suffix` as the runner's --dtype picks it: '' (fp32), '_int8', '_q4'. */
export async function openExport(folder: string, suffix: string): Promise<ExportSessions> {
  const open = (component: string) => InferenceSession.create(path.join(folder, 'onnx', `${component}${suffix}.onnx`));
  const [embed, vision, decoder] = await Promise.all([open('embed_tokens'), open('vision_encoder'), open('decoder_model_merged')]);
  return { embed, vision, decoder, release: async () => void (await Promise.all([embed.release(), vision.release(), decoder.release()])) };
}

/** inputs_embeds rows for `before` ids, the image's features, then `after` ids. */
export async function promptEmbeds(sessions: ExportSessions, before: number[], pixels: Float32Array, after: number[]): Promise<Float32Array> {
  const size = TINY_LLAVA.vision.imageSize;
  const embed = async (ids: number[]) => readFloat32((await sessions.embed.run({ input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]) })).inputs_embeds);
  const { image_features } = await sessions.vision.run({ pixel_values: new Tensor('float32', pixels, [1, 3, size, size]) });
  const parts = [await embed(before), readFloat32(image_features), await embed(after)];
  const result = new Float32Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

/** Logits [positions, vocabulary] of one uncached forward pass over `embeds` ([positions, hidden]). */
export async function forwardLogits(sessions: ExportSessions, embeds: Float32Array): Promise<Float32Array> {
  const { hidden, heads, keyValueHeads, layers } = TINY_LLAVA.text;
  const length = embeds.length / hidden;
  const feeds: Record<string, Tensor> = {
    inputs_embeds: new Tensor('float32', embeds, [1, length, hidden]),
    attention_mask: new Tensor('int64', new BigInt64Array(length).fill(1n), [1, length]),
    position_ids: new Tensor('int64', BigInt64Array.from({ length }, (_, index) => BigInt(index)), [1, length]),
    num_logits_to_keep: new Tensor('int64', BigInt64Array.of(0n), []),
  };
  for (let layer = 0; layer < layers; layer++) {
    for (const kind of ['key', 'value']) feeds[`past_key_values.${layer}.${kind}`] = new Tensor('float32', new Float32Array(0), [1, keyValueHeads, 0, hidden / heads]);
  }
  return readFloat32((await sessions.decoder.run(feeds)).logits);
}

export interface GreedyStep {
  token: number;
  /** The chosen token's logit minus the runner-up's. */
  margin: number;
}

/** `steps` greedy tokens after the prompt, each from a full uncached pass (slow, but independent of the KV cache). */
export async function greedyTokens(sessions: ExportSessions, prompt: Float32Array, steps: number, vocabulary: number): Promise<GreedyStep[]> {
  const { hidden } = TINY_LLAVA.text;
  let embeds = prompt;
  const result: GreedyStep[] = [];
  for (let step = 0; step < steps; step++) {
    const logits = await forwardLogits(sessions, embeds);
    const last = logits.subarray(logits.length - vocabulary);
    const ranked = [...last.keys()].sort((a, b) => last[b] - last[a] || a - b);
    result.push({ token: ranked[0], margin: last[ranked[0]] - last[ranked[1]] });
    const next = readFloat32((await sessions.embed.run({ input_ids: new Tensor('int64', BigInt64Array.of(BigInt(ranked[0])), [1, 1]) })).inputs_embeds);
    const grown = new Float32Array(embeds.length + hidden);
    grown.set(embeds);
    grown.set(next, embeds.length);
    embeds = grown;
  }
  return result;
}
