// The export reads every checkpoint format the Hub has: the same tiny LLaVA written as sharded safetensors
// and as sharded PyTorch .bin (torch.save's zip), with one shard in bfloat16, exports to the same graphs,
// and the .bin export runs end to end.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { exportCheckpoint } from '../../../runners/export/export-checkpoint.js';
import { writeSafetensorsSharded, writeTorchBinSharded, type TensorSpecs } from '../../helpers/checkpoint-writers.js';
import { runCli, temporaryFolder } from '../../helpers/cli.js';
import { writeTinyLlava, type TinyLlava } from './tiny-llava-checkpoint.js';

const SIDE_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json'];

let root: string;
let original: TinyLlava;

/** The original checkpoint's weights, the language model's in bfloat16, in another folder and format. */
function rewrite(folder: string, format: 'safetensors' | 'bin'): string {
  mkdirSync(folder, { recursive: true });
  const specs: TensorSpecs = {};
  for (const [name, tensor] of original.tensors) {
    specs[name] = { dtype: name.startsWith(original.prefixes.textModel) ? 'BF16' : 'F32', shape: tensor.shape, data: tensor.values };
  }
  if (format === 'bin') writeTorchBinSharded(folder, specs, 3);
  else writeSafetensorsSharded(folder, specs, 3);
  for (const name of SIDE_FILES) copyFileSync(path.join(original.folder, name), path.join(folder, name));
  return folder;
}

/** sha256 of every file under onnx/, by name. */
function graphHashes(out: string): Record<string, string> {
  const folder = path.join(out, 'onnx');
  return Object.fromEntries(readdirSync(folder).sort().map((name) => [name, createHash('sha256').update(readFileSync(path.join(folder, name))).digest('hex')]));
}

before(() => {
  root = temporaryFolder();
  original = writeTinyLlava(path.join(root, 'original'), 'classic');
});

describe('export from every checkpoint format', () => {
  test('sharded .bin and sharded safetensors with a bf16 shard export to identical graphs, which run', async () => {
    const fromBin = path.join(root, 'from-bin');
    const fromSafetensors = path.join(root, 'from-safetensors');
    const fromFloat32 = path.join(root, 'from-float32');
    await exportCheckpoint(rewrite(path.join(root, 'bin'), 'bin'), fromBin, { dtype: 'fp32' });
    await exportCheckpoint(rewrite(path.join(root, 'safetensors'), 'safetensors'), fromSafetensors, { dtype: 'fp32' });
    await exportCheckpoint(original.folder, fromFloat32, { dtype: 'fp32' });
    assert.deepEqual(graphHashes(fromBin), graphHashes(fromSafetensors));
    // The bf16 shard was read as bf16: the language model's weights differ from the float32 original's.
    assert.notEqual(graphHashes(fromBin)['decoder_model_merged.onnx_data'], graphHashes(fromFloat32)['decoder_model_merged.onnx_data']);
    assert.equal(graphHashes(fromBin)['vision_encoder.onnx_data'], graphHashes(fromFloat32)['vision_encoder.onnx_data']);

    const run = await runCli(['run', 'vqav2', '--model', `onnx:${fromBin}`, '--limit', '2', '--out', path.join(root, 'runs'), '--json']);
    assert.equal(run.code, 0, run.stderr);
    const { metrics } = JSON.parse(run.stdout) as { metrics: Array<{ all: { n: number; nErrors: number } }> };
    assert.deepEqual(metrics.map(({ all }) => [all.n, all.nErrors]), [[2, 0]]);
  });
});
