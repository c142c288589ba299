// The chat templates of Hugging Face VLM processors (llava-1.5, Qwen2-VL, Idefics3), from
// test/fixtures/chat-templates (sources named in each file), rendered and tokenized as the processors do.
//
// Expected strings come from Hugging Face itself where it states them: transformers'
// test_processor_llava.py::test_chat_template ("USER: <image>\nWhat is shown in this image? ASSISTANT:",
// token ids starting with BOS 1 from `apply_chat_template(tokenize=True)`), huggingface.js jinja's e2e test
// for the Qwen2.5-VL template, and test_processor_idefics3.py::test_apply_chat_template. The system-message
// cases are read off the templates: llava prints a system message's text parts with no role prefix, each
// followed by a space; Qwen2-VL replaces its default system message; Idefics3 prints `System: `.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import type { Request } from '../../../core/contracts/runner.js';
import { ChatTemplate } from '../../../runners/onnx/chat-template.js';
import { openModelFolder, type ModelFolder } from '../../../runners/onnx/model-folder.js';
import { PromptEncoder } from '../../../runners/onnx/prompt-encoding.js';
import { TextTokenizer } from '../../../runners/onnx/tokenizer.js';
import { ensureTinyEmu } from '../../../runners/onnx/tiny-emu/ensure-tiny-emu.js';

const fixtures = path.join(import.meta.dirname, '..', '..', 'fixtures', 'chat-templates');
const templateSource = (name: string) => (JSON.parse(readFileSync(path.join(fixtures, name), 'utf8')) as { chat_template: string }).chat_template;
const LLAVA = templateSource('llava-1.5-7b-hf.json');
const QWEN2_VL = templateSource('qwen2-vl-7b-instruct.json');
const IDEFICS3 = templateSource('idefics3-8b-llama3.json');

const SYSTEM = 'Answer briefly.';
const image = { kind: 'image' as const, path: '/data/a.jpg', root: '/data' };
const request = (parts: Request['parts'], system?: string): Request => ({ sampleId: 's', parts, system, maxNewTokens: 5, numBeams: 1, stop: [] });

let tinyEmu: ModelFolder;
before(async () => {
  tinyEmu = await openModelFolder(await ensureTinyEmu());
});

/**
 * tiny-emu's byte-level BPE with a model family's special tokens added and its BOS behaviour: LLaMA-2
 * (llava-1.5) prepends `<s>`, LLaMA-3 (Idefics3) prepends `<|begin_of_text|>`, Qwen2 prepends nothing.
 */
function familyTokenizer(specialTokens: string[], bos: string | null): { tokenizer: TextTokenizer; config: Record<string, unknown> } {
  const json = structuredClone(tinyEmu.tokenizerJson) as { added_tokens: Array<Record<string, unknown>>; post_processor: unknown; model: { vocab: Record<string, number> } };
  let next = Math.max(...Object.values(json.model.vocab)) + 1;
  for (const content of specialTokens) {
    if (json.model.vocab[content] !== undefined) continue;
    json.model.vocab[content] = next;
    json.added_tokens.push({ id: next++, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  }
  json.post_processor =
    bos === null
      ? null
      : {
          type: 'TemplateProcessing',
          single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
          pair: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
          special_tokens: { [bos]: { id: bos, ids: [json.model.vocab[bos]], tokens: [bos] } },
        };
  const config = { ...tinyEmu.tokenizerConfig, bos_token: bos, chat_template: undefined };
  return { tokenizer: new TextTokenizer(json, config), config };
}

function encoderFor(template: string, specialTokens: string[], bos: string | null, placeholder: string, tokensPerImage: number) {
  const { tokenizer, config } = familyTokenizer(specialTokens, bos);
  const placeholderId = tokenizer.tokenId(placeholder) as number;
  const chatTemplate = new ChatTemplate(template, config);
  const encoder = new PromptEncoder({ tokenizer, imageTokens: { placeholder, placeholderId }, tokensPerImage, chatTemplate });
  /** Hugging Face's processors: the placeholder expanded in the text, then tokenized (special tokens as given). */
  const reference = (text: string, addSpecialTokens: boolean) =>
    tokenizer.encode(text, addSpecialTokens).flatMap((id) => (id === placeholderId ? new Array<number>(tokensPerImage).fill(id) : [id]));
  return { encoder, tokenizer, placeholderId, reference };
}

describe('which content shape a template wants', () => {
  test('processor templates iterate over parts; Emu2-Chat prints a string', () => {
    for (const source of [LLAVA, QWEN2_VL, IDEFICS3]) assert.equal(new ChatTemplate(source, {}).contentFormat, 'parts');
    assert.equal(new ChatTemplate(tinyEmu.chatTemplate!, tinyEmu.tokenizerConfig).contentFormat, 'string');
    assert.equal(new ChatTemplate("{% for m in messages %}{% for c in m.content %}{{ c.text }}{% endfor %}{% endfor %}", {}).contentFormat, 'parts');
  });
});

describe('llava-hf/llava-1.5-7b-hf', () => {
  // 576 = (336 / 14)², CLS dropped: processing_llava with vision_feature_select_strategy 'default'.
  const llava = () => encoderFor(LLAVA, [], '<s>', '<image>', 576);

  test("renders transformers' expected prompt, and the template's system shape", () => {
    const template = new ChatTemplate(LLAVA, { bos_token: '<s>' });
    const hfCase = template.render([{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'What is shown in this image?' }] }]);
    assert.equal(hfCase, 'USER: <image>\nWhat is shown in this image? ASSISTANT:');
    const { encoder } = llava();
    const parts: Request['parts'] = [{ type: 'image', source: image }, { type: 'text', text: 'What is shown in this image?' }];
    assert.equal(encoder.render(request(parts, '')).text, hfCase);
    assert.equal(encoder.render(request(parts, SYSTEM)).text, `${SYSTEM} USER: <image>\nWhat is shown in this image? ASSISTANT:`);
  });

  test('BOS comes from the tokenizer, once; each <image> becomes 576 image tokens; split text stays one entry', () => {
    const { encoder, tokenizer, placeholderId, reference } = llava();
    const parts: Request['parts'] = [{ type: 'image', source: image }, { type: 'text', text: 'What is ' }, { type: 'text', text: 'shown?' }];
    const rendered = encoder.render(request(parts, SYSTEM));
    assert.equal(rendered.text, `${SYSTEM} USER: <image>\nWhat is shown? ASSISTANT:`);
    assert.equal(rendered.addSpecialTokens, true);
    const ids = encoder.encode(request(parts, SYSTEM)).inputIds;
    assert.deepEqual(ids, reference(rendered.text, true));
    assert.equal(ids[0], tokenizer.tokenId('<s>'));
    assert.equal(ids.filter((id) => id === tokenizer.tokenId('<s>')).length, 1);
    assert.equal(ids.filter((id) => id === placeholderId).length, 576);
  });

  test('the template puts every image before the text, whatever the request order', () => {
    const { encoder } = llava();
    const parts: Request['parts'] = [{ type: 'text', text: 'Compare' }, { type: 'image', source: image }, { type: 'video', frames: [image, image] }];
    const rendered = encoder.render(request(parts, ''));
    assert.equal(rendered.text, 'USER: <image>\n<image>\n<image>\nCompare ASSISTANT:');
    assert.equal(encoder.encode(request(parts, '')).inputIds.length, encoder.countTokens(request(parts, '')));
    assert.equal(rendered.images.length, 3);
  });
});

describe('Qwen/Qwen2-VL-7B-Instruct', () => {
  const special = ['<|im_start|>', '<|im_end|>', '<|vision_start|>', '<|image_pad|>', '<|vision_end|>', '<|video_pad|>'];
  // 256 = a 448×448 image: (448 / 14)² patches merged 2×2 (processing_qwen2_vl.replace_image_token).
  const qwen = () => encoderFor(QWEN2_VL, special, null, '<|image_pad|>', 256);

  test("renders huggingface.js's expected prompt; a system message replaces the default one", () => {
    const { encoder } = qwen();
    const parts: Request['parts'] = [{ type: 'image', source: image }, { type: 'text', text: 'Describe this image.' }];
    assert.equal(
      encoder.render(request(parts, '')).text,
      '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Describe this image.<|im_end|>\n<|im_start|>assistant\n',
    );
    assert.equal(
      encoder.render(request(parts, SYSTEM)).text,
      `<|im_start|>system\n${SYSTEM}<|im_end|>\n<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Describe this image.<|im_end|>\n<|im_start|>assistant\n`,
    );
  });

  test('parts keep the request order; no BOS exists; each image is 256 <|image_pad|> tokens', () => {
    const { encoder, tokenizer, placeholderId, reference } = qwen();
    const parts: Request['parts'] = [{ type: 'text', text: 'Left:' }, { type: 'image', source: image }, { type: 'text', text: 'Right:' }, { type: 'image', source: image }];
    const rendered = encoder.render(request(parts, SYSTEM));
    assert.match(rendered.text, /user\nLeft:<\|vision_start\|><\|image_pad\|><\|vision_end\|>Right:<\|vision_start\|><\|image_pad\|><\|vision_end\|><\|im_end\|>/);
    const ids = encoder.encode(request(parts, SYSTEM)).inputIds;
    assert.deepEqual(ids, reference(rendered.text, true));
    assert.equal(ids[0], tokenizer.tokenId('<|im_start|>'));
    assert.equal(ids.filter((id) => id === placeholderId).length, 512);
  });
});

describe('HuggingFaceM4/Idefics3-8B-Llama3', () => {
  const special = ['<|begin_of_text|>', '<end_of_utterance>', '<fake_token_around_image>'];
  // 169 = image_seq_len: (364 / 14)² patches, pixel-shuffled by scale_factor 2.
  const idefics = () => encoderFor(IDEFICS3, special, '<|begin_of_text|>', '<image>', 169);

  test("renders transformers' expected conversation", () => {
    const template = new ChatTemplate(IDEFICS3, { bos_token: '<|begin_of_text|>' });
    const rendered = template.render([
      { role: 'user', content: [{ type: 'text', text: 'What do these images show?' }, { type: 'image' }, { type: 'image' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'The first image shows the statue of Liberty in New York. The second image picture depicts Idefix, the dog of Obelix in Asterix and Obelix.' }] },
      { role: 'user', content: [{ type: 'text', text: 'And who is that?' }] },
    ]);
    assert.equal(
      rendered,
      '<|begin_of_text|>User: What do these images show?<image><image><end_of_utterance>\n' +
        'Assistant: The first image shows the statue of Liberty in New York. The second image picture depicts Idefix, the dog of Obelix in Asterix and Obelix.<end_of_utterance>\n' +
        'User: And who is that?<end_of_utterance>\n' +
        'Assistant:',
    );
  });

  test('the template writes BOS, so the tokenizer adds none; an image first glues the colon to the role', () => {
    const { encoder, tokenizer, placeholderId, reference } = idefics();
    const parts: Request['parts'] = [{ type: 'image', source: image }, { type: 'text', text: 'What is it?' }];
    const rendered = encoder.render(request(parts, SYSTEM));
    assert.equal(rendered.text, `<|begin_of_text|>System: ${SYSTEM}<end_of_utterance>\nUser:<image>What is it?<end_of_utterance>\nAssistant:`);
    assert.equal(rendered.addSpecialTokens, false);
    const ids = encoder.encode(request(parts, SYSTEM)).inputIds;
    assert.deepEqual(ids, reference(rendered.text, false));
    assert.equal(ids.filter((id) => id === tokenizer.tokenId('<|begin_of_text|>')).length, 1);
    assert.equal(ids.filter((id) => id === placeholderId).length, 169);
  });
});

describe('unchanged prompts', () => {
  test('Emu2-Chat (string template) and base-model prompts render as before', () => {
    const tokenizer = new TextTokenizer(tinyEmu.tokenizerJson, tinyEmu.tokenizerConfig);
    const placeholderId = tokenizer.tokenId('<image>') as number;
    const encoder = new PromptEncoder({
      tokenizer,
      imageTokens: { placeholder: '<image>', placeholderId },
      tokensPerImage: 4,
      chatTemplate: new ChatTemplate(tinyEmu.chatTemplate!, tinyEmu.tokenizerConfig),
    });
    const parts: Request['parts'] = [{ type: 'image', source: image }, { type: 'text', text: ' what is it?' }, { type: 'text', text: ' answer:' }];
    assert.deepEqual(encoder.render(request(parts, SYSTEM)), { text: `<s>${SYSTEM} [USER]: <image> what is it? answer: [ASSISTANT]:`, images: [image], addSpecialTokens: false });
    assert.deepEqual(encoder.render(request(parts)), { text: '<image> what is it? answer:', images: [image], addSpecialTokens: true });
  });
});
