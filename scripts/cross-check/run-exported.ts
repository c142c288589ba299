// Runs an exported model's vision encoder and decoder on raw float32 inputs written by llava.py and
// writes raw float32 outputs next to them: the ONNX side of the PyTorch cross-check (no Python
// onnxruntime needed). Usage: run-exported.ts MODEL_DIR WORK_DIR (reads pixels.f32, embeds.f32, shape.json).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';

const [modelDir, workDir] = process.argv.slice(2);
const shape = JSON.parse(readFileSync(path.join(workDir, 'shape.json'), 'utf8')) as { image: number; length: number; hidden: number; layers: number; kvHeads: number; headDim: number };
const floats = (name: string) => {
  const bytes = readFileSync(path.join(workDir, name));
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};

const vision = await InferenceSession.create(path.join(modelDir, 'onnx', 'vision_encoder.onnx'));
const { image_features } = await vision.run({ pixel_values: new Tensor('float32', floats('pixels.f32'), [1, 3, shape.image, shape.image]) });
writeFileSync(path.join(workDir, 'onnx-features.f32'), Buffer.from((image_features.data as Float32Array).buffer));

const decoder = await InferenceSession.create(path.join(modelDir, 'onnx', 'decoder_model_merged.onnx'));
const feeds: Record<string, Tensor> = {
  inputs_embeds: new Tensor('float32', floats('embeds.f32'), [1, shape.length, shape.hidden]),
  attention_mask: new Tensor('int64', new BigInt64Array(shape.length).fill(1n), [1, shape.length]),
  position_ids: new Tensor('int64', BigInt64Array.from({ length: shape.length }, (_, index) => BigInt(index)), [1, shape.length]),
  num_logits_to_keep: new Tensor('int64', BigInt64Array.of(0n), []),
};
for (let layer = 0; layer < shape.layers; layer++) {
  for (const kind of ['key', 'value']) feeds[`past_key_values.${layer}.${kind}`] = new Tensor('float32', new Float32Array(0), [1, shape.kvHeads, 0, shape.headDim]);
}
const { logits } = await decoder.run(feeds);
writeFileSync(path.join(workDir, 'onnx-logits.f32'), Buffer.from((logits.data as Float32Array).buffer));
