import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { type Checkpoint, openCheckpoint } from '../../../../runners/export/checkpoint/checkpoint.js';
import {
  type TensorSpec,
  type TensorSpecs,
  writeSafetensors,
  writeSafetensorsSharded,
  writeTorchBin,
  writeTorchBinSharded,
} from '../../../helpers/checkpoint-writers.js';

const folders: string[] = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));
function folder(): string {
  const made = mkdtempSync(path.join(tmpdir(), 'emu-eval-checkpoint-'));
  folders.push(made);
  return made;
}

/** Values every dtype holds exactly (small integers / 8 and powers of two), so round trips compare exactly. */
function values(count: number, seed: number): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => (((i * 7 + seed * 13) % 61) - 30) / 8);
}

function model(dtype: TensorSpec['dtype']): TensorSpecs {
  return {
    'model.embed_tokens.weight': { dtype, shape: [16, 8], data: values(128, 1) },
    'model.layers.0.self_attn.q_proj.weight': { dtype, shape: [8, 8], data: values(64, 2) },
    'model.layers.0.self_attn.q_proj.bias': { dtype, shape: [8], data: values(8, 3) },
    'model.layers.1.self_attn.q_proj.weight': { dtype, shape: [8, 8], data: values(64, 4) },
    'model.norm.weight': { dtype, shape: [8], data: values(8, 5) },
    'lm_head.weight': { dtype, shape: [16, 8], data: values(128, 6) },
    'logit_scale': { dtype, shape: [], data: Float32Array.of(2.5) },
    'empty': { dtype, shape: [0, 8], data: new Float32Array(0) },
  };
}

async function assertReadsBack(checkpoint: Checkpoint, tensors: TensorSpecs) {
  assert.deepEqual([...checkpoint.tensors.keys()].sort(), Object.keys(tensors).sort());
  for (const [name, spec] of Object.entries(tensors)) {
    const info = checkpoint.tensors.get(name)!;
    assert.equal(info.dtype, spec.dtype, name);
    assert.deepEqual(info.shape, spec.shape, name);
    assert.ok(info.file.startsWith(checkpoint.folder), `${name} names its file: ${info.file}`);
    assert.deepEqual(await checkpoint.readShaped(name, spec.shape), (spec as TensorSpec).data, name);
  }
}

const writers = {
  'safetensors': (dir: string, tensors: TensorSpecs) => writeSafetensors(path.join(dir, 'model.safetensors'), tensors),
  'safetensors, 3 shards': (dir: string, tensors: TensorSpecs) => writeSafetensorsSharded(dir, tensors, 3),
  'pytorch_model.bin': (dir: string, tensors: TensorSpecs) => writeTorchBin(path.join(dir, 'pytorch_model.bin'), tensors),
  'pytorch_model.bin, 3 shards': (dir: string, tensors: TensorSpecs) => writeTorchBinSharded(dir, tensors, 3),
};

describe('checkpoint round trips', () => {
  for (const [layout, write] of Object.entries(writers)) {
    for (const dtype of ['F32', 'F16', 'BF16'] as const) {
      test(`${layout}, ${dtype}`, async () => {
        const dir = folder();
        const tensors = model(dtype);
        write(dir, tensors);
        const checkpoint = await openCheckpoint(dir);
        try {
          assert.equal(checkpoint.format, layout.startsWith('safetensors') ? 'safetensors' : 'pytorch');
          await assertReadsBack(checkpoint, tensors);
          if (layout.includes('shards')) assert.equal(new Set([...checkpoint.tensors.values()].map((info) => info.file)).size, 3);
        } finally {
          await checkpoint.close();
        }
      });
    }
  }

  test('float32 values that 16-bit formats round are stored rounded to nearest even, as torch does', async () => {
    const dir = folder();
    writeSafetensors(path.join(dir, 'model.safetensors'), {
      h: { dtype: 'F16', shape: [3], data: Float32Array.of(0.1, 1 / 3, 70000) },
      b: { dtype: 'BF16', shape: [2], data: Float32Array.of(0.1, 1 / 3) },
    });
    const checkpoint = await openCheckpoint(dir);
    assert.deepEqual([...(await checkpoint.read('h'))], [0.0999755859375, 0.333251953125, Infinity]);
    assert.deepEqual([...(await checkpoint.read('b'))], [0.10009765625, 0.333984375]);
    await checkpoint.close();
  });

  for (const [what, options] of [
    ["{'module': state_dict}", { wrapIn: 'module' }],
    ["{'state_dict': state_dict}", { wrapIn: 'state_dict' }],
    ["a Module's state dict (OrderedDict with _metadata), archive named after the file as torch 1.x does", { moduleMetadata: true, archiveName: 'pytorch_model', byteOrder: false }],
    ['ZIP64 directory records (archives past 4 GB)', { forceZip64: true }],
  ] as const) {
    test(`pytorch_model.bin holding ${what}`, async () => {
      const dir = folder();
      const tensors = model('F16');
      writeTorchBin(path.join(dir, 'pytorch_model.bin'), tensors, options);
      const checkpoint = await openCheckpoint(dir);
      await assertReadsBack(checkpoint, tensors);
      await checkpoint.close();
    });
  }

  test('a .bin tensor saved as a strided view of a larger storage (a transpose at an offset) reads as its values', async () => {
    const dir = folder();
    // Storage 0..9; the view starts at element 1, shape [3, 2], strides [1, 3]: [[1, 4], [2, 5], [3, 6]].
    const storage = Float32Array.from({ length: 10 }, (_, i) => i);
    writeTorchBin(path.join(dir, 'pytorch_model.bin'), {
      transposed: { dtype: 'F32', shape: [3, 2], raw: new Uint8Array(storage.buffer), strides: [1, 3], storageOffset: 1 },
      expanded: { dtype: 'F32', shape: [2, 3], raw: new Uint8Array(Float32Array.of(7, 8, 9).buffer), strides: [0, 1] },
    });
    const checkpoint = await openCheckpoint(dir);
    assert.deepEqual([...(await checkpoint.readShaped('transposed', [3, 2]))], [1, 4, 2, 5, 3, 6]);
    assert.deepEqual([...(await checkpoint.read('expanded'))], [7, 8, 9, 7, 8, 9]);
    await checkpoint.close();
  });

  test('tensors in dtypes the reader does not widen are listed apart, and reading one names file, tensor and dtype', async () => {
    for (const write of [writeSafetensors, writeTorchBin]) {
      const dir = folder();
      const file = path.join(dir, write === writeSafetensors ? 'model.safetensors' : 'pytorch_model.bin');
      write(file, {
        'vision_model.embeddings.position_ids': { dtype: 'I64', shape: [1, 3], raw: new Uint8Array(BigInt64Array.of(0n, 1n, 2n).buffer) },
        'w': { dtype: 'F32', shape: [2], data: Float32Array.of(1, 2) },
      });
      const checkpoint = await openCheckpoint(dir);
      assert.deepEqual([...checkpoint.tensors.keys()], ['w']);
      assert.deepEqual(checkpoint.unsupported.get('vision_model.embeddings.position_ids'), { name: 'vision_model.embeddings.position_ids', dtype: 'I64', shape: [1, 3], file });
      await assert.rejects(checkpoint.read('vision_model.embeddings.position_ids'), (error: Error) => {
        assert.equal(error.name, 'DataError');
        assert.match(error.message, new RegExp(`^${file}: tensor vision_model\\.embeddings\\.position_ids has dtype I64; only F32, F16 and BF16`));
        return true;
      });
      await checkpoint.close();
    }
  });

  test('safetensors is preferred when a folder holds both formats, as from_pretrained does', async () => {
    const dir = folder();
    writeTorchBin(path.join(dir, 'pytorch_model.bin'), { w: { dtype: 'F32', shape: [1], data: Float32Array.of(1) } });
    writeSafetensorsSharded(dir, { w: { dtype: 'F32', shape: [1], data: Float32Array.of(2) } }, 1);
    const checkpoint = await openCheckpoint(dir);
    assert.equal(checkpoint.format, 'safetensors');
    assert.deepEqual([...(await checkpoint.read('w'))], [2]);
    await checkpoint.close();
  });
});
