import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { buildChatBody } from '../../../runners/openai/chat-request.js';
import { parseChatCompletion } from '../../../runners/openai/chat-response.js';
import { ImageEncoder } from '../../../runners/openai/image-encoder.js';
import type { Request } from '../../../core/contracts/runner.js';
import type { MediaRef } from '../../../core/contracts/task.js';
import type { DataError } from '../../../core/errors.js';
import { imageFromBytes } from '../../../core/media-ref.js';
import { bundledDataDir, getTask } from '../../../tasks/registry.js';
import { temporaryFolder } from '../../helpers/cli.js';

const root = bundledDataDir(getTask('vqav2'));
const imageFolder = path.join(root, 'val2014');
const [first, second] = readdirSync(imageFolder).filter((name) => name.endsWith('.jpg'));
const image = (name: string): MediaRef => ({ kind: 'image', path: path.join(imageFolder, name), root });
const settings = { modelName: 'emu2-chat', extraBody: {}, seed: 0 };

function request(parts: Request['parts'], extra: Partial<Request> = {}): Request {
  return { sampleId: 's1', parts, maxNewTokens: 10, numBeams: 1, stop: ['\n'], ...extra };
}

test('parts become one user message interleaving text and base64 image_url parts; video frames are images', async () => {
  const body = JSON.parse(
    String(await buildChatBody(
      request(
        [
          { type: 'image', source: image(first!) },
          { type: 'text', text: 'demo answer: red. ' },
          { type: 'video', frames: [image(first!), image(second!)] },
          { type: 'text', text: 'What color? short answer:' },
        ],
        { system: 'You are a helpful assistant.' },
      ),
      { ...settings, extraBody: { use_beam_search: true, best_of: 5 } },
      new ImageEncoder(),
    )),
  );
  assert.equal(body.model, 'emu2-chat');
  assert.deepEqual(body.messages[0], { role: 'system', content: 'You are a helpful assistant.' });
  const content = body.messages[1].content as Array<{ type: string; text?: string; image_url?: { url: string } }>;
  assert.deepEqual(
    content.map((part) => part.type),
    ['image_url', 'text', 'image_url', 'image_url', 'text'],
  );
  const original = readFileSync(path.join(imageFolder, first!)).toString('base64');
  assert.equal(content[0]!.image_url!.url, `data:image/jpeg;base64,${original}`);
  assert.deepEqual(
    { max_tokens: body.max_tokens, temperature: body.temperature, stop: body.stop, seed: body.seed, stream: body.stream },
    { max_tokens: 10, temperature: 0, stop: ['\n'], seed: 0, stream: false },
  );
  assert.equal(body.use_beam_search, true);
  assert.equal(body.best_of, 5);
});

test("a request's own temperature and seed replace greedy decoding and the runner's seed", async () => {
  const body = JSON.parse(String(await buildChatBody(request([{ type: 'text', text: 'grade this' }], { temperature: 0.5, seed: 3 }), settings, new ImageEncoder())));
  assert.deepEqual([body.temperature, body.seed], [0.5, 3]);
});

test('with an image size, images are re-encoded as square JPEGs of that size', async () => {
  const folder = temporaryFolder();
  writeFileSync(path.join(folder, 'wide.png'), await sharp({ create: { width: 64, height: 32, channels: 3, background: '#3366cc' } }).png().toBuffer());
  const body = JSON.parse(String(await buildChatBody(request([{ type: 'image', source: { kind: 'image', path: path.join(folder, 'wide.png'), root: folder } }]), settings, new ImageEncoder({ size: 448 }))));
  const url = body.messages[0].content[0].image_url.url as string;
  assert.match(url, /^data:image\/jpeg;base64,/);
  const metadata = await sharp(Buffer.from(url.split(',')[1]!, 'base64')).metadata();
  assert.deepEqual([metadata.width, metadata.height, metadata.format], [448, 448, 'jpeg']);
});

test('a file that is not an image, or lies outside the data root, is refused by name', async () => {
  const folder = temporaryFolder();
  writeFileSync(path.join(folder, 'clip.mp4'), Buffer.from('\u0000\u0000\u0000 ftypisom'));
  await assert.rejects(
    buildChatBody(request([{ type: 'video', frames: [{ kind: 'video', path: path.join(folder, 'clip.mp4'), root: folder }] }]), settings, new ImageEncoder()),
    /clip\.mp4 is not a JPEG, PNG, GIF or WebP image/,
  );
  await assert.rejects(buildChatBody(request([{ type: 'image', source: { kind: 'image', path: path.join(folder, 'missing.jpg'), root: folder } }]), settings, new ImageEncoder()), /not found/);
});

test('an image carried as bytes is sent like the same file; bytes that are no image are refused with their origin', async () => {
  const original = readFileSync(path.join(imageFolder, first!));
  const encoder = new ImageEncoder();
  const origin = { file: '/data/vqav2/validation-00000.parquet', field: 'row 4, column image' };
  const fromBytes = await encoder.dataUrl(imageFromBytes(original, origin));
  assert.equal(fromBytes.toString('latin1'), `data:image/jpeg;base64,${original.toString('base64')}`);
  const resized = await new ImageEncoder({ size: 32 }).dataUrl(imageFromBytes(original, origin));
  const metadata = await sharp(Buffer.from(resized.toString('latin1').split(',')[1]!, 'base64')).metadata();
  assert.deepEqual([metadata.width, metadata.height], [32, 32]);
  await assert.rejects(encoder.dataUrl(imageFromBytes(Buffer.from('<html>not found</html>'), origin)), (error: DataError) => {
    assert.match(error.message, /^validation-00000\.parquet: row 4, column image is not a JPEG, PNG, GIF or WebP image/);
    assert.deepEqual([error.file, error.field], [origin.file, origin.field]);
    return true;
  });
});

test('a chat completion is read strictly: text, finish reason, tokens; faults are named', () => {
  const reply = (choices: unknown, usage?: unknown) => JSON.stringify({ id: 'x', choices, ...(usage ? { usage } : {}) });
  assert.deepEqual(parseChatCompletion(reply([{ message: { content: 'two' }, finish_reason: 'stop' }], { completion_tokens: 1 }), 'srv'), {
    text: 'two',
    finishReason: 'stop',
    tokens: 1,
  });
  assert.equal(parseChatCompletion(reply([{ message: { content: 'a b c' }, finish_reason: 'length' }]), 'srv').finishReason, 'length');
  assert.throws(() => parseChatCompletion('{"choices": [{"mess', 'srv'), (error: Error & { retryable?: boolean }) => /srv returned malformed JSON/.test(error.message) && error.retryable === true);
  assert.throws(() => parseChatCompletion(reply([]), 'srv'), /srv: server returned no choices/);
  assert.throws(() => parseChatCompletion('{"object": "list"}', 'srv'), /server response choices: .*expected array/i);
  assert.throws(() => parseChatCompletion(reply([{ message: { content: null } }]), 'srv'), /without message content/);
});
