import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openCheckpoint } from '../../../../runners/export/checkpoint/checkpoint.js';
import { type FileOpener, openForReading } from '../../../../runners/export/checkpoint/random-access-file.js';
import { type TensorSpecs, writeSafetensorsSharded, writeTorchBin } from '../../../helpers/checkpoint-writers.js';

const folders: string[] = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

interface Read {
  file: string;
  position: number;
  length: number;
}

/** Opens files as the readers do and records every read. */
function recordingOpener(reads: Read[]): FileOpener {
  return async (file) => {
    const handle = await openForReading(file);
    return {
      read: async (buffer, offset, length, position) => {
        const result = await handle.read(buffer, offset, length, position);
        reads.push({ file, position, length: result.bytesRead });
        return result;
      },
      stat: () => handle.stat(),
      close: () => handle.close(),
    };
  };
}

// Four 1 MiB bf16 tensors (512 Ki elements each) in one multi-MB file or shard.
const MIB_TENSORS: TensorSpecs = Object.fromEntries(
  [0, 1, 2, 3].map((i) => [`model.layers.${i}.mlp.up_proj.weight`, { dtype: 'BF16', shape: [512, 1024], data: () => new Float32Array(512 * 1024).fill(i + 1) }]),
);
const TENSOR_BYTES = 512 * 1024 * 2;

describe('reading one tensor reads only its bytes', () => {
  for (const [layout, write] of [
    ['one 4 MiB safetensors shard of two', (dir: string) => writeSafetensorsSharded(dir, { ...MIB_TENSORS, 'lm_head.weight': { dtype: 'F32', shape: [1024, 1024], data: () => new Float32Array(1024 * 1024) } }, 2)],
    ['a 4 MiB pytorch_model.bin', (dir: string) => writeTorchBin(path.join(dir, 'pytorch_model.bin'), MIB_TENSORS)],
  ] as const) {
    test(layout, async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'emu-eval-checkpoint-stream-'));
      folders.push(dir);
      write(dir);
      const reads: Read[] = [];
      const checkpoint = await openCheckpoint(dir, { open: recordingOpener(reads) });
      try {
        const opening = reads.reduce((sum, read) => sum + read.length, 0);
        assert.ok(opening < 64 * 1024, `opening read headers only: ${opening} bytes`);
        reads.length = 0;

        const name = 'model.layers.2.mlp.up_proj.weight';
        const values = await checkpoint.read(name);
        assert.equal(values.length, 512 * 1024);
        assert.ok(values.every((value) => value === 3));
        const file = checkpoint.tensors.get(name)!.file;
        assert.ok(reads.every((read) => read.file === file));
        assert.equal(reads.reduce((sum, read) => sum + read.length, 0), TENSOR_BYTES, 'exactly the tensor\'s bytes');
        // One contiguous range: each read starts where the previous one ended.
        for (let i = 1; i < reads.length; i++) assert.equal(reads[i]!.position, reads[i - 1]!.position + reads[i - 1]!.length);
        // ...and it is not another tensor's range: reading the neighbour reads a disjoint range.
        const start = reads[0]!.position;
        reads.length = 0;
        assert.ok((await checkpoint.read('model.layers.3.mlp.up_proj.weight')).every((value) => value === 4));
        assert.ok(reads[0]!.position >= start + TENSOR_BYTES);
      } finally {
        await checkpoint.close();
      }
    });
  }
});
