import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, temporaryFolder } from '../../helpers/cli.js';
import { describeExportedModelInRunner } from './exported-model-checks.js';
import { writeTinyLlava, type TinyLlava } from './tiny-llava-checkpoint.js';

let checkpoint: TinyLlava;
let out: string;
const previousCache = process.env.EMU_EVAL_CACHE;
const cache = temporaryFolder();

before(async () => {
  process.env.EMU_EVAL_CACHE = cache;
  const root = temporaryFolder();
  checkpoint = writeTinyLlava(path.join(root, 'llava-1.5-tiny-hf'), 'current');
  out = path.join(root, 'llava-onnx');
});
after(() => {
  if (previousCache === undefined) delete process.env.EMU_EVAL_CACHE;
  else process.env.EMU_EVAL_CACHE = previousCache;
});

describe('emu-eval export and hf: through the CLI', () => {
  test('export --json prints one object; run vqav2 --model onnx:OUT answers', async () => {
    const exported = await runCli(['export', checkpoint.folder, '--out', out, '--json']);
    assert.equal(exported.code, 0, exported.stderr);
    const summary = JSON.parse(exported.stdout);
    assert.deepEqual(Object.keys(summary).sort(), ['architecture', 'attention', 'dtype', 'files', 'out', 'parameters', 'seconds']);
    assert.equal(summary.architecture, 'llava');
    assert.equal(summary.dtype, 'fp32');
    assert.ok(summary.files.includes('onnx/decoder_model_merged.onnx_data'));
    const expectedParameters = [...checkpoint.tensors.entries()]
      .filter(([name]) => !name.includes('post_layernorm') && !name.includes('encoder.layers.1.'))
      .reduce((total, [, tensor]) => total + tensor.values.length, 0);
    assert.equal(summary.parameters, expectedParameters);

    const runs = temporaryFolder();
    const run = await runCli(['run', 'vqav2', '--model', `onnx:${out}`, '--limit', '2', '--out', runs, '--json', '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    const samples = readdirSync(runs, { recursive: true }).map(String).filter((name) => name.endsWith('samples.jsonl'));
    assert.equal(samples.length, 1);
    const lines = readFileSync(path.join(runs, samples[0]), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines.length, 2);
    for (const line of lines) assert.notEqual(line.finishReason ?? line.finish_reason, 'error', JSON.stringify(line));
  });

  test('--model hf:CHECKPOINT exports into the model cache once, then reuses it', async () => {
    const first = await runCli(['run', 'vqav2', '--model', `hf:${checkpoint.folder}`, '--limit', '2', '--out', temporaryFolder(), '--quiet']);
    assert.equal(first.code, 0, first.stderr);
    const cached = readdirSync(path.join(cache, 'models')).filter((name) => name.startsWith('hf-'));
    assert.equal(cached.length, 1);
    const config = JSON.parse(readFileSync(path.join(cache, 'models', cached[0], 'config.json'), 'utf8'));
    assert.equal(`hf-${config.emu_eval_export.content_key}`, cached[0]);
    const second = await runCli(['run', 'vqav2', '--model', `hf:${checkpoint.folder}`, '--limit', '2', '--out', temporaryFolder(), '--quiet']);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(readdirSync(path.join(cache, 'models')).filter((name) => name.startsWith('hf-')), cached);
  });

  test('export --help teaches the command', async () => {
    const help = await runCli(['export', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--dtype/);
    assert.match(help.stdout, /LLaVA-1\.5/);
    assert.match(help.stdout, /hf:/);
  });
});

describeExportedModelInRunner('the exported LLaVA in the runner', () => out);
