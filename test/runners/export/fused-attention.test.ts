// The fused decoder (GroupQueryAttention, RotaryEmbedding, (Skip)SimplifiedLayerNormalization) against the
// plain one on CPU: same logits within a stated tolerance and the same greedy tokens, for a left-padded
// batch (a 2-token-shorter row), a prompt step and cached decode steps, for each architecture's decoder.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { exportCheckpoint, type ExportDtype } from '../../../runners/export/export-checkpoint.js';
import type { AttentionKind } from '../../../runners/export/graph/fused-attention.js';
import { exportRandomModel } from '../../../runners/export/random/export-random.js';
import { readFloat32, toFloatData, type FloatType } from '../../../runners/onnx/tensors.js';
import { temporaryFolder } from '../../helpers/cli.js';
import { describeExportedModelInRunner } from './exported-model-checks.js';
import { maxAbsDifference } from './numeric-checks.js';
import { writeTinyCogvlm } from './tiny-cogvlm-checkpoint.js';
import { writeTinyEmu2 } from './tiny-emu2-checkpoint.js';
import { writeTinyLlava } from './tiny-llava-checkpoint.js';

const PROMPT = 7;
const PADDING = 2;
const DECODE_STEPS = 4;

interface Greedy {
  /** Per step, the last position's logits of every row. */
  logits: Float32Array[];
  tokens: number[][];
}

/** A prompt step over a left-padded batch of two rows, then greedy decode steps fed back through embed_tokens. */
async function greedy(folder: string, dtype: ExportDtype): Promise<Greedy> {
  const suffix = dtype === 'fp16' ? '_fp16' : '';
  const type: FloatType = dtype === 'fp16' ? 'float16' : 'float32';
  const config = JSON.parse(readFileSync(path.join(folder, 'config.json'), 'utf8'));
  const text = config.text_config;
  const decoder = await InferenceSession.create(path.join(folder, 'onnx', `decoder_model_merged${suffix}.onnx`));
  const embed = await InferenceSession.create(path.join(folder, 'onnx', `embed_tokens${suffix}.onnx`));
  const rows = 2;
  const headDim = text.head_dim ?? text.hidden_size / text.num_attention_heads;
  const kvHeads = text.num_key_value_heads ?? text.num_attention_heads;
  const embedIds = async (ids: number[], steps: number) => (await embed.run({ input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [rows, steps]) }))[embed.outputNames[0]];

  // Row 1 is PADDING tokens shorter, padded on the left as the runner pads.
  const mask: number[] = [];
  const ids: number[] = [];
  const positions: number[] = [];
  for (let row = 0; row < rows; row++) {
    for (let index = 0; index < PROMPT; index++) {
      const real = row === 0 || index >= PADDING;
      mask.push(real ? 1 : 0);
      ids.push(real ? 5 + ((index * 7 + row * 3) % 40) : 0);
      positions.push(real ? index - (row === 0 ? 0 : PADDING) : 0);
    }
  }
  let past: Record<string, Tensor> = {};
  for (let layer = 0; layer < text.num_hidden_layers; layer++) {
    for (const kind of ['key', 'value']) past[`past_key_values.${layer}.${kind}`] = new Tensor(type, toFloatData(type, new Float32Array(0)), [rows, kvHeads, 0, headDim]);
  }
  const result: Greedy = { logits: [], tokens: [] };
  let embeds = await embedIds(ids, PROMPT);
  let steps = PROMPT;
  let stepPositions = positions;
  const nextPositions = [PROMPT, PROMPT - PADDING];
  for (let step = 0; step <= DECODE_STEPS; step++) {
    const feeds: Record<string, Tensor> = {
      inputs_embeds: embeds,
      attention_mask: new Tensor('int64', BigInt64Array.from(mask, BigInt), [rows, mask.length / rows]),
      position_ids: new Tensor('int64', BigInt64Array.from(stepPositions, BigInt), [rows, steps]),
      num_logits_to_keep: new Tensor('int64', BigInt64Array.of(1n), []),
      ...past,
    };
    // CogVLM: the prompt's tokens 2..4 of each row go through the visual expert.
    if (decoder.inputNames.includes('token_type_ids')) feeds.token_type_ids = new Tensor('int64', BigInt64Array.from({ length: rows * steps }, (_, index) => (step === 0 && index % steps >= 2 && index % steps < 5 ? 1n : 0n)), [rows, steps]);
    const outputs = await decoder.run(feeds);
    const logits = readFloat32(outputs.logits);
    const vocabulary = outputs.logits.dims[2];
    result.logits.push(logits);
    const chosen = [0, 1].map((row) => argmax(logits.subarray(row * vocabulary, (row + 1) * vocabulary)));
    result.tokens.push(chosen);
    past = {};
    for (let layer = 0; layer < text.num_hidden_layers; layer++) {
      for (const kind of ['key', 'value']) past[`past_key_values.${layer}.${kind}`] = outputs[`present.${layer}.${kind}`];
    }
    // Old mask rows, then one real token per row.
    const total = mask.length / rows;
    const grown: number[] = [];
    for (let row = 0; row < rows; row++) grown.push(...mask.slice(row * total, (row + 1) * total), 1);
    mask.splice(0, mask.length, ...grown);
    embeds = await embedIds(chosen, 1);
    steps = 1;
    stepPositions = nextPositions.map((position) => position);
    nextPositions.forEach((position, row) => (nextPositions[row] = position + 1));
  }
  await decoder.release();
  await embed.release();
  return result;
}

function argmax(values: Float32Array): number {
  let best = 0;
  for (let index = 1; index < values.length; index++) if (values[index] > values[best]) best = index;
  return best;
}

async function exportBoth(write: (folder: string) => string, dtype: ExportDtype): Promise<Record<AttentionKind, string>> {
  const root = temporaryFolder();
  const checkpoint = write(path.join(root, 'checkpoint'));
  const folders = { plain: path.join(root, 'plain'), fused: path.join(root, 'fused') };
  for (const attention of ['plain', 'fused'] as const) await exportCheckpoint(checkpoint, folders[attention], { dtype, attention });
  return folders;
}

function nodeTypes(folder: string, suffix: string): string {
  return readFileSync(path.join(folder, 'onnx', `decoder_model_merged${suffix}.onnx`)).toString('latin1');
}

const CASES = [
  { name: 'LLaVA (4 query heads, 2 KV heads: GroupQueryAttention)', attention: 'GroupQueryAttention', write: (folder: string) => writeTinyLlava(folder).folder },
  // The fused graph needs a head size that is a multiple of 8: 4 heads of 16.
  { name: 'Emu2 (MultiHeadAttention)', attention: 'MultiHeadAttention', write: (folder: string) => (writeTinyEmu2(folder, { hiddenSize: 64 }), folder) },
  { name: 'CogVLM (visual-expert projections, MultiHeadAttention)', attention: 'MultiHeadAttention', write: (folder: string) => writeTinyCogvlm(folder).folder },
];
/** float32: kernel summation order only; float16: one fp16 rounding of activations in a different place. */
const TOLERANCE: Record<'fp32' | 'fp16', number> = { fp32: 1e-4, fp16: 2e-2 };

describe('fused attention export', () => {
  for (const { name, attention, write } of CASES) {
    for (const dtype of ['fp32', 'fp16'] as const) {
      test(`${name} ${dtype}: fused and plain decoders give the same logits (< ${TOLERANCE[dtype]}) and greedy tokens on a left-padded batch`, async () => {
        const folders = await exportBoth(write, dtype);
        const suffix = dtype === 'fp16' ? '_fp16' : '';
        const fusedGraph = nodeTypes(folders.fused, suffix);
        for (const op of [attention, 'RotaryEmbedding', 'SkipSimplifiedLayerNormalization', 'SimplifiedLayerNormalization']) assert.ok(fusedGraph.includes(op), `fused graph has ${op}`);
        assert.ok(!fusedGraph.includes(attention === 'MultiHeadAttention' ? 'GroupQueryAttention' : 'MultiHeadAttention'));
        assert.ok(!nodeTypes(folders.plain, suffix).includes(attention));
        const config = JSON.parse(readFileSync(path.join(folders.fused, 'config.json'), 'utf8'));
        assert.equal(config.emu_eval_export.attention, 'fused');
        const plain = await greedy(folders.plain, dtype);
        const fused = await greedy(folders.fused, dtype);
        assert.deepEqual(fused.tokens, plain.tokens);
        plain.logits.forEach((logits, step) => {
          const difference = maxAbsDifference(fused.logits[step], logits);
          assert.ok(difference < TOLERANCE[dtype], `step ${step}: max |Δlogit| ${difference}`);
        });
        // The tokens must not be one repeated id, or "same tokens" would prove little.
        assert.ok(new Set(plain.tokens.flat()).size > 1);
      });
    }
  }

  test('the default is fused for fp16 exports and plain for fp32', async () => {
    const root = temporaryFolder();
    const checkpoint = writeTinyLlava(path.join(root, 'checkpoint')).folder;
    for (const [dtype, expected] of [['fp16', 'fused'], ['fp32', 'plain']] as const) {
      const result = await exportCheckpoint(checkpoint, path.join(root, dtype), { dtype });
      assert.equal(result.attention, expected);
    }
  });

  test('a head size GroupQueryAttention cannot run: the fp16 default stays plain with a note, an explicit --attention fused is refused', async () => {
    const root = temporaryFolder();
    const checkpoint = path.join(root, 'checkpoint');
    writeTinyEmu2(checkpoint); // 4 heads of 12
    const result = await exportCheckpoint(checkpoint, path.join(root, 'default'), { dtype: 'fp16' });
    assert.equal(result.attention, 'plain');
    assert.ok(result.notes.some((note) => /head size 12.*multiple of 8/.test(note)), result.notes.join('; '));
    await assert.rejects(exportCheckpoint(checkpoint, path.join(root, 'fused'), { dtype: 'fp16', attention: 'fused' }), /--attention fused.*head size 12.*multiple of 8/);
  });
});

// Through the ONNX runner, unchanged: cached = uncached decoding, a left-padded batch = single runs — for
// both attention nodes (the random tiny LLaVA config has as many KV heads as query heads).
const fused = { grouped: '', multiHead: '' };
before(async () => {
  const root = temporaryFolder();
  fused.grouped = path.join(root, 'grouped');
  fused.multiHead = path.join(root, 'multi-head');
  await exportCheckpoint(writeTinyLlava(path.join(root, 'checkpoint')).folder, fused.grouped, { dtype: 'fp32', attention: 'fused' });
  await exportRandomModel(fileURLToPath(new URL('../../../bench/configs/llava-tiny.json', import.meta.url)), fused.multiHead, { dtype: 'fp32', attention: 'fused' });
});
describeExportedModelInRunner('a fused LLaVA export (GroupQueryAttention) in the runner', () => fused.grouped);
describeExportedModelInRunner('a fused LLaVA export (MultiHeadAttention) in the runner', () => fused.multiHead);
