import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildTinyEmu } from '../../../runners/onnx/tiny-emu/build-tiny-emu.js';
import { temporaryFolder } from './helpers.js';

const run = promisify(execFile);
const ensureModule = fileURLToPath(new URL('../../../runners/onnx/tiny-emu/ensure-tiny-emu.ts', import.meta.url));

function folderDigest(folder: string): Record<string, string> {
  const digest: Record<string, string> = {};
  for (const name of ['config.json', 'generation_config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json']) {
    digest[name] = createHash('sha256').update(readFileSync(path.join(folder, name))).digest('hex');
  }
  for (const name of readdirSync(path.join(folder, 'onnx'))) {
    digest[`onnx/${name}`] = createHash('sha256').update(readFileSync(path.join(folder, 'onnx', name))).digest('hex');
  }
  return digest;
}

/** ensureTinyEmu() in a separate process, as two concurrent `emu-eval run` commands would call it. */
async function ensureInChild(cache: string): Promise<string> {
  const script = `import { ensureTinyEmu } from ${JSON.stringify(ensureModule)}; process.stdout.write(await ensureTinyEmu());`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, EMU_EVAL_CACHE: cache } });
  return stdout;
}

describe('tiny-emu builder', () => {
  test('builds the transformers.js layout in well under a few seconds, byte-for-byte deterministically', async () => {
    const first = temporaryFolder();
    const started = performance.now();
    await buildTinyEmu(first);
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 5000, `build took ${elapsed} ms`);
    const second = temporaryFolder();
    await buildTinyEmu(second);
    const digest = folderDigest(first);
    assert.deepEqual(Object.keys(digest).sort(), [
      'config.json',
      'generation_config.json',
      'onnx/decoder_model_merged.onnx',
      'onnx/decoder_model_merged.onnx_data',
      'onnx/embed_tokens.onnx',
      'onnx/vision_encoder.onnx',
      'preprocessor_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    assert.deepEqual(folderDigest(second), digest);

    const config = JSON.parse(readFileSync(path.join(first, 'config.json'), 'utf8'));
    assert.equal(config.emu_eval_smoke_test, true);
    assert.equal(config.n_image_tokens, 64);
    assert.equal(config.image_start_token, '[IMG]');
    assert.equal(config.image_end_token, '[/IMG]');
    assert.equal(config.text_config.num_hidden_layers, 2);
    const preprocessor = JSON.parse(readFileSync(path.join(first, 'preprocessor_config.json'), 'utf8'));
    assert.equal(preprocessor.resample, 3);
    assert.deepEqual(preprocessor.image_mean, [0.48145466, 0.4578275, 0.40821073]);
  });

  test('concurrent first uses build once into place, and a stale build is replaced', async () => {
    const cache = temporaryFolder();
    const [first, second] = await Promise.all([ensureInChild(cache), ensureInChild(cache)]);
    const target = path.join(cache, 'models', 'tiny-emu');
    assert.equal(first, target);
    assert.equal(second, target);
    assert.deepEqual(readdirSync(path.join(cache, 'models')), ['tiny-emu']);
    const digest = folderDigest(target);

    const configFile = path.join(target, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    writeFileSync(configFile, JSON.stringify({ ...config, emu_eval_build: 'from-older-builder-code' }));
    assert.equal(await ensureInChild(cache), target);
    assert.deepEqual(folderDigest(target), digest);
    assert.deepEqual(readdirSync(path.join(cache, 'models')), ['tiny-emu']);
  });
});
