import assert from 'node:assert/strict';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../../../core/errors.js';
import { generateRows } from '../../../runners/onnx/generate.js';
import { createOnnxRunner, SMOKE_TEST_NOTE } from '../../../runners/onnx/onnx-runner.js';
import { missingProviderLibraries } from '../../../runners/onnx/providers.js';
import { ensureTinyEmu } from '../../../runners/onnx/tiny-emu/ensure-tiny-emu.js';
import type { Request, Runner } from '../../../core/contracts/runner.js';
import type { MediaRef } from '../../../core/contracts/task.js';
import { imageFromBytes } from '../../../core/media-ref.js';
import { asFile } from '../../helpers/media-refs.js';
import { imageRequest, loadInProcess, temporaryFolder, writeImages } from './helpers.js';

let runner: Runner;
let images: MediaRef[];
let dataRoot: string;
const signal = () => new AbortController().signal;

before(async () => {
  dataRoot = temporaryFolder();
  images = await writeImages(dataRoot, 4);
  runner = await createOnnxRunner(await ensureTinyEmu(), {});
});
after(async () => {
  await runner?.close();
});

describe('createOnnxRunner on tiny-emu', () => {
  test('describes itself: smoke-test note, counted parameters, batching', () => {
    assert.equal(runner.id, 'onnx');
    assert.equal(runner.modelId, 'tiny-emu');
    assert.ok(runner.notes?.includes(SMOKE_TEST_NOTE));
    assert.equal(runner.batchSize, 8);
    assert.equal(runner.maxInFlight, 2);
    const params = runner.params!;
    assert.equal(params.source, 'counted');
    assert.equal(params.total, (params.vision ?? 0) + (params.projection ?? 0) + (params.language ?? 0));
    assert.ok((params.vision ?? 0) > 0 && (params.projection ?? 0) > 0 && (params.language ?? 0) > 0);
  });

  test('generates what the in-process search generates', async () => {
    const requests = [
      imageRequest(images[0], 'what color is the car?'),
      imageRequest(images[1], 'how many people are in the picture?', { maxNewTokens: 5 }),
      imageRequest(images[2], 'is it raining?', { system: 'You are a helpful assistant, dedicated to provide concise and efficient answers.' }),
      imageRequest(images[3], 'what is on the plate?', { numBeams: 3, maxNewTokens: 4 }),
    ];
    const outputs = await runner.generate(requests, signal());
    const local = await loadInProcess();
    try {
      const expected = await generateRows(local.context, await local.rows(requests));
      outputs.forEach((output, index) => {
        assert.equal(output.text, expected[index].text);
        assert.equal(output.tokens, expected[index].tokenIds.length);
        assert.equal(output.finishReason, 'length');
        assert.ok(output.latencyMs > 0);
      });
    } finally {
      await local.model.release();
    }
    assert.equal(outputs[1].tokens, 5);
  });

  test('video frames are images in sequence', async () => {
    const video: Request = {
      sampleId: 'video',
      parts: [{ type: 'video', frames: images.slice(0, 3) }, { type: 'text', text: ' what is happening in this video? short answer:' }],
      maxNewTokens: 3,
      numBeams: 1,
      stop: [],
    };
    const [output] = await runner.generate([video], signal());
    assert.equal(output.finishReason, 'length');
    assert.equal(output.tokens, 3);
  });

  test('per-request failures become error outputs; the batch goes on', async () => {
    const outside = temporaryFolder();
    writeFileSync(path.join(outside, 'secret.png'), 'not an image');
    symlinkSync(path.join(outside, 'secret.png'), path.join(dataRoot, 'link.png'));
    const notAnImage = path.join(dataRoot, 'broken.png');
    writeFileSync(notAnImage, 'definitely not a png');
    const requests = [
      imageRequest({ kind: 'image', path: path.join(dataRoot, 'missing.png'), root: dataRoot }, 'what?'),
      imageRequest({ kind: 'image', path: notAnImage, root: dataRoot }, 'what?'),
      imageRequest({ kind: 'image', path: path.join(dataRoot, 'link.png'), root: dataRoot }, 'what?'),
      imageRequest(images[0], 'what color is the car?'),
      imageRequest(images[0], 'word '.repeat(2100)),
      imageRequest(images[0], 'what does <image> mean?'),
    ];
    const outputs = await runner.generate(requests, signal());
    assert.deepEqual(outputs.map((output) => output.finishReason), ['error', 'error', 'error', 'length', 'error', 'error']);
    assert.match(outputs[0].error ?? '', /not found/);
    assert.match(outputs[1].error ?? '', /cannot decode image/);
    assert.match(outputs[2].error ?? '', /outside the data root/);
    assert.match(outputs[4].error ?? '', /max_position_embeddings is 2048/);
    assert.match(outputs[5].error ?? '', /1 image\(s\) but 2 <image> token/);
  });

  test('an image carried as bytes generates what the same file generates; undecodable bytes name their origin', async () => {
    const origin = { file: '/data/vqav2/validation-00000.parquet', field: 'row 7, column image' };
    const bytes = imageFromBytes(readFileSync(asFile(images[1]).path), origin);
    const broken = imageFromBytes(Buffer.from('definitely not a png'), origin);
    const [fromFile, fromBytes, fromBroken] = await runner.generate(
      [imageRequest(images[1], 'what is it?', { maxNewTokens: 4 }), imageRequest(bytes, 'what is it?', { maxNewTokens: 4 }), imageRequest(broken, 'what is it?')],
      signal(),
    );
    assert.equal(fromBytes.finishReason, 'length');
    assert.equal(fromBytes.text, fromFile.text);
    assert.equal(fromBroken.finishReason, 'error');
    assert.match(fromBroken.error ?? '', /^cannot decode image \/data\/vqav2\/validation-00000\.parquet: row 7, column image: /);
  });

  test('generation is shortened to fit max_position_embeddings', async () => {
    const [output] = await runner.generate([imageRequest(images[0], 'word '.repeat(1900), { maxNewTokens: 200 })], signal());
    assert.equal(output.finishReason, 'length');
    assert.ok((output.tokens ?? 0) < 200);
  });

  test('batches run concurrently up to maxInFlight, and an abort stops between decoder steps', async () => {
    const controller = new AbortController();
    const long = runner.generate([imageRequest(images[0], 'what?', { maxNewTokens: 400 })], controller.signal);
    const short = runner.generate([imageRequest(images[1], 'what?', { maxNewTokens: 2 })], signal());
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(long, (error: Error) => error.name === 'AbortError');
    const [result] = await short;
    assert.equal(result.tokens, 2);
    const [again] = await runner.generate([imageRequest(images[2], 'still working?', { maxNewTokens: 2 })], signal());
    assert.equal(again.tokens, 2);
  });

  test('--params replaces the counted total', async () => {
    const declared = await createOnnxRunner(await ensureTinyEmu(), { params: 7_000_000_000, batchSize: 3 });
    try {
      assert.deepEqual(declared.params, { total: 7_000_000_000, source: 'declared' });
      assert.equal(declared.batchSize, 3);
    } finally {
      await declared.close();
    }
    await assert.rejects(declared.generate([imageRequest(images[0], 'closed?')], signal()), /closed/);
  });
});

describe('GPU devices', () => {
  test('a missing CUDA provider fails at start with the install command, never falling back to the CPU', { skip: missingProviderLibraries('cuda').length === 0 && 'the CUDA provider is installed here' }, async () => {
    await assert.rejects(createOnnxRunner(await ensureTinyEmu(), { device: 'cuda' }), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules\/onnxruntime-node\/script\/install\.js/);
      assert.match(error.message, /does not fall back to the CPU/);
      return true;
    });
    await assert.rejects(createOnnxRunner(await ensureTinyEmu(), { devices: ['0', '1'] }), /CUDA execution provider/);
  });
});
