import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ConfigError } from '../../../core/errors.js';
import { ChatTemplate } from '../../../runners/onnx/chat-template.js';
import { openModelFolder, type ModelFolder } from '../../../runners/onnx/model-folder.js';
import { PromptEncoder } from '../../../runners/onnx/prompt-encoding.js';
import { resolveImageTokens, TextTokenizer } from '../../../runners/onnx/tokenizer.js';
import { ensureTinyEmu } from '../../../runners/onnx/tiny-emu/ensure-tiny-emu.js';
import { EMU2_CHAT_TEMPLATE } from '../../../runners/onnx/tiny-emu/tokenizer-files.js';
import type { Request } from '../../../core/contracts/runner.js';

let folder: ModelFolder;
let tokenizer: TextTokenizer;

before(async () => {
  folder = await openModelFolder(await ensureTinyEmu());
  tokenizer = new TextTokenizer(folder.tokenizerJson, folder.tokenizerConfig);
});

const EMU2_SYSTEM = 'You are a helpful assistant, dedicated to provide concise and efficient answers.';
const image = { kind: 'image' as const, path: '/data/a.jpg', root: '/data' };

describe('tokenizer.json through @huggingface/tokenizers', () => {
  test('text round-trips through encode and decode, including bytes outside the training corpus', () => {
    for (const text of ['what color is the car? short answer: red', ' [USER]: hi [ASSISTANT]:', 'Zürich, 東京 and 😀 — 12,345.6', 'line one\nline\ttwo  ']) {
      assert.equal(tokenizer.decode(tokenizer.encode(text, false)), text);
    }
  });

  test('learned merges make common words single tokens', () => {
    const ids = tokenizer.encode(' the answer', false);
    assert.equal(ids.length, 2);
    assert.ok(tokenizer.vocabularySize() >= 300 && tokenizer.vocabularySize() <= 1100);
  });

  test('special tokens are single ids, BOS comes from the post-processor, decoding skips them', () => {
    const ids = tokenizer.encode('[IMG]<image>[/IMG] x', true);
    assert.deepEqual(ids.slice(0, 4), [tokenizer.tokenId('<s>'), tokenizer.tokenId('[IMG]'), folder.settings.imageTokenId, tokenizer.tokenId('[/IMG]')]);
    assert.equal(tokenizer.decode(ids), ' x');
    assert.equal(tokenizer.encode('x', false)[0], tokenizer.tokenId('x'));
    assert.equal(tokenizer.decode([]), '');
  });

  test('config.json and tokenizer.json must agree on the image token', () => {
    assert.throws(() => resolveImageTokens({ ...folder.settings, imageTokenId: 5 }, tokenizer, '/model'), (error: Error) => error instanceof ConfigError && /do not belong together/.test(error.message));
    assert.throws(() => resolveImageTokens({ ...folder.settings, imageStartToken: '<img_start>' }, tokenizer, '/model'), /image_start_token "<img_start>" is not a token/);
  });
});

describe('chat template through @huggingface/jinja', () => {
  test("renders Emu2-Chat's `<system> [USER]: <instruction> [ASSISTANT]:` shape", () => {
    const template = new ChatTemplate(folder.chatTemplate!, folder.tokenizerConfig);
    const rendered = template.render([
      { role: 'system', content: EMU2_SYSTEM },
      { role: 'user', content: 'what is this?' },
    ]);
    assert.equal(rendered, `<s>${EMU2_SYSTEM} [USER]: what is this? [ASSISTANT]:`);
    const conversation = template.render(
      [
        { role: 'user', content: 'q1' },
        { role: 'assistant', content: 'a1' },
        { role: 'user', content: 'q2' },
      ],
      false,
    );
    assert.equal(conversation, '<s> [USER]: q1 [ASSISTANT]: a1</s> [USER]: q2');
  });

  test('special tokens written as {content} objects (older configs) still render', () => {
    const template = new ChatTemplate(EMU2_CHAT_TEMPLATE, { bos_token: { content: '<s>', lstrip: false }, eos_token: '</s>' });
    assert.equal(template.render([{ role: 'user', content: 'x' }]), '<s> [USER]: x [ASSISTANT]:');
  });

  test('a template that does not parse is a configuration error', () => {
    assert.throws(() => new ChatTemplate('{% for x in %}', {}), ConfigError);
  });
});

describe('prompt encoding', () => {
  const encoder = () =>
    new PromptEncoder({
      tokenizer,
      imageTokens: resolveImageTokens(folder.settings, tokenizer, folder.directory),
      tokensPerImage: 64,
      chatTemplate: new ChatTemplate(folder.chatTemplate!, folder.tokenizerConfig),
      maxPositions: 512,
    });
  const request = (overrides: Partial<Request>): Request => ({ sampleId: 's', parts: [], maxNewTokens: 5, numBeams: 1, stop: [], ...overrides });

  test('base-model prompts: parts concatenated, BOS added, each image becomes [IMG] <image>×64 [/IMG]', () => {
    const parts: Request['parts'] = [{ type: 'image', source: image }, { type: 'text', text: ' based on the picture, what is it? short answer:' }];
    const encoded = encoder().encode(request({ parts }));
    const [bos, start] = encoded.inputIds;
    assert.equal(bos, tokenizer.tokenId('<s>'));
    assert.equal(start, tokenizer.tokenId('[IMG]'));
    assert.deepEqual(encoded.inputIds.slice(2, 66), new Array(64).fill(folder.settings.imageTokenId));
    assert.equal(encoded.inputIds[66], tokenizer.tokenId('[/IMG]'));
    assert.equal(tokenizer.decode(encoded.inputIds.slice(67)), ' based on the picture, what is it? short answer:');
    assert.deepEqual(encoded.images, [image]);
  });

  test('chat prompts go through the template, which writes the special tokens itself', () => {
    const parts: Request['parts'] = [{ type: 'image', source: image }, { type: 'text', text: 'what is it?' }];
    const rendered = encoder().render(request({ parts, system: EMU2_SYSTEM }));
    assert.equal(rendered.text, `<s>${EMU2_SYSTEM} [USER]: <image>what is it? [ASSISTANT]:`);
    assert.equal(rendered.addSpecialTokens, false);
    const ids = encoder().encode(request({ parts, system: EMU2_SYSTEM })).inputIds;
    assert.equal(ids.filter((id) => id === tokenizer.tokenId('<s>')).length, 1);
  });

  test('video frames each become an image; too-long prompts and stray placeholders are errors', () => {
    const frames = [image, { ...image, path: '/data/b.jpg' }, { ...image, path: '/data/c.jpg' }];
    const encoded = encoder().encode(request({ parts: [{ type: 'video', frames }, { type: 'text', text: ' what happens?' }] }));
    assert.equal(encoded.images.length, 3);
    assert.equal(encoded.inputIds.filter((id) => id === folder.settings.imageTokenId).length, 192);
    assert.throws(() => encoder().encode(request({ parts: [{ type: 'video', frames: [...frames, ...frames, ...frames] }] })), /max_position_embeddings is 512/);
    assert.throws(() => encoder().encode(request({ parts: [{ type: 'text', text: 'a <image> b' }] })), /0 image\(s\) but 1 <image>/);
  });
});
