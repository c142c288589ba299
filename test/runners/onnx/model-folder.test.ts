import assert from 'node:assert/strict';
import { cpSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { ConfigError } from '../../../core/errors.js';
import { openModelFolder, parseDtype } from '../../../runners/onnx/model-folder.js';
import { createOnnxRunner } from '../../../runners/onnx/onnx-runner.js';
import { createModelSessions } from '../../../runners/onnx/sessions.js';
import { TINY_EMU_DIMENSIONS } from '../../../runners/onnx/tiny-emu/dimensions.js';
import { ensureTinyEmu } from '../../../runners/onnx/tiny-emu/ensure-tiny-emu.js';
import { buildVisionEncoder } from '../../../runners/onnx/tiny-emu/vision-graph.js';
import { temporaryFolder } from './helpers.js';

let source: string;
before(async () => {
  source = await ensureTinyEmu();
});

function copyModel(): string {
  const target = path.join(temporaryFolder(), 'model');
  cpSync(source, target, { recursive: true });
  return target;
}

function editJson(file: string, edit: (value: Record<string, any>) => void): void {
  const value = JSON.parse(readFileSync(file, 'utf8'));
  edit(value);
  writeFileSync(file, JSON.stringify(value));
}

const rejectsWith = (promise: Promise<unknown>, pattern: RegExp) =>
  assert.rejects(promise, (error: Error) => {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error.name}: ${error.message}`);
    assert.match(error.message, pattern);
    return true;
  });

async function loadSessions(directory: string) {
  const folder = await openModelFolder(directory);
  const sessions = await createModelSessions(folder, folder.settings, { executionProviders: ['cpu'], intraOpThreads: 1 });
  await sessions.release();
}

describe('model folder layout', () => {
  test('the tiny-emu folder opens, with every component and its external data found', async () => {
    const folder = await openModelFolder(source);
    assert.equal(path.basename(folder.files.decoder_model_merged), 'decoder_model_merged.onnx');
    assert.ok([...folder.scans.decoder_model_merged.initializers.values()].some((weight) => weight.external?.location === 'decoder_model_merged.onnx_data'));
    assert.equal(folder.settings.imageTokenCount, 64);
    assert.deepEqual(folder.settings.eosTokenIds, [2]);
    assert.ok(folder.chatTemplate?.includes('[ASSISTANT]'));
  });

  test('missing JSON files are all named at once', async () => {
    const model = copyModel();
    rmSync(path.join(model, 'config.json'));
    rmSync(path.join(model, 'tokenizer.json'));
    await rejectsWith(openModelFolder(model), /is missing config\.json, tokenizer\.json/);
    await rejectsWith(openModelFolder(path.join(model, 'nowhere')), /does not exist/);
  });

  test('a missing graph is named, with the dtypes the folder does have', async () => {
    const model = copyModel();
    rmSync(path.join(model, 'onnx', 'embed_tokens.onnx'));
    await rejectsWith(openModelFolder(model), /missing onnx\/embed_tokens\.onnx \(dtype fp32\); no onnx\/embed_tokens\*\.onnx file exists/);
    await rejectsWith(openModelFolder(source, 'fp16'), /missing onnx\/vision_encoder_fp16\.onnx \(dtype fp16\); this folder has vision_encoder as: fp32; choose with --dtype/);
  });

  test('dtype suffixes pick files per component', async () => {
    assert.deepEqual(parseDtype('q4'), { vision_encoder: 'q4', embed_tokens: 'q4', decoder_model_merged: 'q4' });
    assert.deepEqual(parseDtype('vision=fp16,decoder_model_merged=q4'), { vision_encoder: 'fp16', embed_tokens: 'fp32', decoder_model_merged: 'q4' });
    assert.throws(() => parseDtype('fp8'), (error: Error) => error instanceof ConfigError && error.usage && /unknown dtype/.test(error.message));
    assert.throws(() => parseDtype('tail=fp16'), /component=dtype pairs/);
    const model = copyModel();
    renameSync(path.join(model, 'onnx', 'decoder_model_merged.onnx'), path.join(model, 'onnx', 'decoder_model_merged_quantized.onnx'));
    const folder = await openModelFolder(model, 'decoder=q8');
    assert.equal(path.basename(folder.files.decoder_model_merged), 'decoder_model_merged_quantized.onnx');
    assert.equal(path.basename(folder.files.vision_encoder), 'vision_encoder.onnx');
  });

  test('missing, truncated or foreign external data is caught before loading', async () => {
    const model = copyModel();
    const data = path.join(model, 'onnx', 'decoder_model_merged.onnx_data');
    truncateSync(data, 1000);
    await rejectsWith(openModelFolder(model), /onnx\/decoder_model_merged\.onnx_data has 1000 bytes but onnx\/decoder_model_merged\.onnx reads up to byte \d+/);
    rmSync(data);
    await rejectsWith(openModelFolder(model), /onnx\/decoder_model_merged\.onnx keeps its weights in onnx\/decoder_model_merged\.onnx_data, which is missing/);
  });

  test('a file that is not ONNX is named', async () => {
    const model = copyModel();
    writeFileSync(path.join(model, 'onnx', 'vision_encoder.onnx'), 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n');
    await rejectsWith(openModelFolder(model), /onnx\/vision_encoder\.onnx is not a readable ONNX model/);
  });

  test('config.json fields are validated with their JSON path', async () => {
    const model = copyModel();
    editJson(path.join(model, 'config.json'), (config) => (config.text_config.hidden_size = '64'));
    await rejectsWith(openModelFolder(model), /config\.json: text_config\.hidden_size: Invalid input: expected number/);
    editJson(path.join(model, 'config.json'), (config) => {
      config.text_config.hidden_size = 64;
      delete config.image_token_id;
    });
    await rejectsWith(openModelFolder(model), /config\.json: image_token_id: expected the id of the image placeholder token/);
    writeFileSync(path.join(model, 'preprocessor_config.json'), '{ not json');
    await rejectsWith(openModelFolder(model), /preprocessor_config\.json is not valid JSON/);
  });
});

describe('files that do not belong together', () => {
  test('config.json disagreeing with the decoder graph', async () => {
    const model = copyModel();
    editJson(path.join(model, 'config.json'), (config) => (config.text_config.num_hidden_layers = 3));
    await rejectsWith(loadSessions(model), /config\.json says num_hidden_layers 3 but onnx\/decoder_model_merged\.onnx has 2 layers/);
    editJson(path.join(model, 'config.json'), (config) => {
      config.text_config.num_hidden_layers = 2;
      config.n_image_tokens = 32;
    });
    await rejectsWith(loadSessions(model), /config\.json says 32 tokens per image but onnx\/vision_encoder\.onnx produces 64/);
  });

  test('a vision encoder from another model', async () => {
    const model = copyModel();
    const foreign = buildVisionEncoder({ ...TINY_EMU_DIMENSIONS.tiny, hidden: 32 }).serialize(17);
    writeFileSync(path.join(model, 'onnx', 'vision_encoder.onnx'), foreign.model);
    await rejectsWith(loadSessions(model), /onnx\/vision_encoder\.onnx produces image features of width 32 but onnx\/decoder_model_merged\.onnx takes inputs_embeds of width 64: the files come from different models/);
    // The same error reaches the caller through the worker that loads the sessions.
    await rejectsWith(createOnnxRunner(model, {}), /width 32 but onnx\/decoder_model_merged\.onnx takes inputs_embeds of width 64/);
  });

  test('a decoder graph swapped in under the embed name', async () => {
    const model = copyModel();
    copyFileSync(path.join(model, 'onnx', 'decoder_model_merged.onnx'), path.join(model, 'onnx', 'embed_tokens.onnx'));
    await rejectsWith(loadSessions(model), /onnx\/embed_tokens\.onnx input inputs_embeds has type float32; only int64 and int32/);
  });
});
