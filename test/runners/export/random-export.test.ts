// `emu-eval export --random CONFIG_JSON`: a model of the config's shape with seeded random weights and a
// synthetic tokenizer, which the ONNX runner loads and runs like any export.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { randomTensor } from '../../../runners/export/random/random-checkpoint.js';
import { syntheticTokenizer } from '../../../runners/export/random/synthetic-tokenizer.js';
import { TextTokenizer } from '../../../runners/onnx/tokenizer.js';
import { runCli, temporaryFolder } from '../../helpers/cli.js';
import { writeTinyCogvlm } from './tiny-cogvlm-checkpoint.js';
import { writeTinyEmu2 } from './tiny-emu2-checkpoint.js';

const TINY_LLAVA_CONFIG = fileURLToPath(new URL('../../../bench/configs/llava-tiny.json', import.meta.url));

async function runAnswers(out: string, extra: string[] = []): Promise<void> {
  const runs = temporaryFolder();
  const run = await runCli(['run', 'vqav2', '--model', `onnx:${out}`, '--dtype', 'fp16', '--limit', '1', '--max-new-tokens', '3', '--out', runs, '--quiet', ...extra]);
  assert.equal(run.code, 0, run.stderr);
  const samples = readdirSync(runs, { recursive: true }).map(String).find((name) => name.endsWith('samples.jsonl'))!;
  const [line] = readFileSync(path.join(runs, samples), 'utf8').trim().split('\n').map((text) => JSON.parse(text));
  assert.notEqual(line.finishReason ?? line.finish_reason, 'error', JSON.stringify(line));
}

describe('export --random', () => {
  test('writes a LLaVA folder (fp16, fused attention, notes, synthetic tokenizer) that the runner answers with', async () => {
    const out = path.join(temporaryFolder(), 'llava-random');
    const exported = await runCli(['export', '--random', TINY_LLAVA_CONFIG, '--out', out, '--json']);
    assert.equal(exported.code, 0, exported.stderr);
    const summary = JSON.parse(exported.stdout);
    assert.equal(summary.dtype, 'fp16');
    assert.equal(summary.attention, 'fused');
    assert.ok(summary.files.includes('RANDOM_WEIGHTS.md'));
    const config = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
    assert.deepEqual(config.emu_eval_export.random_weights, { seed: 0, config: TINY_LLAVA_CONFIG });
    assert.equal(config.emu_eval_export.checkpoint, undefined);
    assert.match(readFileSync(path.join(out, 'RANDOM_WEIGHTS.md'), 'utf8'), /random[\s\S]*synthetic/);
    const tokenizer = new TextTokenizer(JSON.parse(readFileSync(path.join(out, 'tokenizer.json'), 'utf8')), JSON.parse(readFileSync(path.join(out, 'tokenizer_config.json'), 'utf8')));
    assert.equal(tokenizer.vocabularySize(), 512);
    await runAnswers(out);
  });

  test('the same seed writes the same weights; another seed other ones', async () => {
    const root = temporaryFolder();
    const data = (name: string) => readFileSync(path.join(root, name, 'onnx', 'decoder_model_merged.onnx_data'));
    for (const [name, seed] of [['a', '3'], ['b', '3'], ['c', '4']]) {
      const exported = await runCli(['export', '--random', TINY_LLAVA_CONFIG, '--out', path.join(root, name), '--seed', seed, '--dtype', 'fp32', '--quiet']);
      assert.equal(exported.code, 0, exported.stderr);
    }
    assert.ok(data('a').equals(data('b')));
    assert.ok(!data('a').equals(data('c')));
  });

  test('Emu2 and CogVLM configs export too (CogVLM, with its own protocol, also runs)', async () => {
    const root = temporaryFolder();
    writeTinyEmu2(path.join(root, 'emu2'), { hiddenSize: 64 });
    writeTinyCogvlm(path.join(root, 'cogvlm'));
    for (const name of ['emu2', 'cogvlm']) {
      const out = path.join(root, `${name}-random`);
      const exported = await runCli(['export', '--random', path.join(root, name, 'config.json'), '--out', out, '--json']);
      assert.equal(exported.code, 0, exported.stderr);
      assert.equal(JSON.parse(exported.stdout).architecture, name);
      const tokenizer = JSON.parse(readFileSync(path.join(out, 'tokenizer.json'), 'utf8'));
      if (name === 'emu2') assert.deepEqual(tokenizer.added_tokens.map((token: { content: string }) => token.content).slice(-3), ['<image>', '[/IMG]', '[IMG]']);
      else await runAnswers(out, ['--protocol', 'cogvlm']);
    }
  });

  test('usage errors: a checkpoint and --random together, neither, --seed without --random', async () => {
    const out = path.join(temporaryFolder(), 'x');
    for (const [args, message] of [
      [['export', 'somewhere', '--random', TINY_LLAVA_CONFIG, '--out', out], /not both/],
      [['export', '--out', out], /needs a checkpoint folder .* or --random/],
      [['export', 'somewhere', '--seed', '2', '--out', out], /--seed applies to --random/],
    ] as const) {
      const result = await runCli([...args]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
    }
  });
});

describe('random weights and synthetic tokenizer', () => {
  test('norm scales are 1, matrices have standard deviation 1/√fan-in, values depend on name and seed only', () => {
    assert.ok(randomTensor('model.layers.0.input_layernorm.weight', [8], 0).every((value) => value === 1));
    assert.ok(randomTensor('vision_tower.vision_model.pre_layrnorm.weight', [8], 0).every((value) => value === 1));
    const matrix = randomTensor('model.layers.0.mlp.up_proj.weight', [256, 1024], 0);
    const std = Math.sqrt(matrix.reduce((sum, value) => sum + value * value, 0) / matrix.length);
    assert.ok(Math.abs(std - 1 / 32) < 1e-3, `std ${std}`);
    assert.deepEqual(randomTensor('a.weight', [4, 4], 1), randomTensor('a.weight', [4, 4], 1));
    assert.notDeepEqual(randomTensor('a.weight', [4, 4], 1), randomTensor('b.weight', [4, 4], 1));
  });

  test('the tokenizer has exactly the vocabulary size, specials at their ids, and encodes any text byte by byte', () => {
    const { tokenizerJson, tokenizerConfig } = syntheticTokenizer(400, [{ content: '<image>', id: 300 }, { content: '[IMG]' }]);
    const tokenizer = new TextTokenizer(tokenizerJson, tokenizerConfig);
    assert.equal(tokenizer.vocabularySize(), 400);
    const ids = tokenizer.encode('<image>héllo', true);
    assert.equal(ids[0], 1); // <s>
    assert.equal(ids[1], 300);
    assert.equal(ids.length, 2 + 6); // h, é (two bytes), l, l, o
    assert.equal(tokenizer.decode(ids.slice(2)), 'héllo');
    assert.throws(() => syntheticTokenizer(200, []), /too small/);
    assert.throws(() => syntheticTokenizer(400, [{ content: '<image>', id: 400 }]), /outside vocab_size 400/);
  });
});
