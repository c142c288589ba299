import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { convertCheckpointTokenizer } from '../../../runners/export/tokenizer/write-tokenizer-json.js';
import { PromptEncoder } from '../../../runners/onnx/prompt-encoding.js';
import { TextTokenizer } from '../../../runners/onnx/tokenizer.js';
import { serializeModel, testPieces } from './sentencepiece-test-model.js';

// CogVLM's build_conversation_input_ids is [BOS] + image + tokenizer.encode(text, add_special_tokens=False):
// the text after the image is tokenized on its own, so it starts with SentencePiece's ▁. A non-legacy
// (Metaspace, prepend_scheme "first") tokenizer.json loses that ▁ when the text follows a special token in
// one string; tokenize_text_between_images restores CogVLM's ids.
test('tokenize_text_between_images gives [BOS, image…, encode(text)] where one-string tokenization drops the ▁', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'cogvlm-tokenizer-'));
  writeFileSync(path.join(folder, 'tokenizer.model'), serializeModel(testPieces()));
  writeFileSync(path.join(folder, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'LlamaTokenizer', add_bos_token: true, add_eos_token: false, legacy: false }));
  const tokenizer = new TextTokenizer(convertCheckpointTokenizer(folder), { add_bos_token: true });
  const imageTokens = { placeholder: '<unk>', placeholderId: 0 };
  const request = { sampleId: 'a', parts: [{ type: 'image' as const, source: { kind: 'image' as const, path: 'x.png', root: folder } }, { type: 'text' as const, text: 'what color is the car? short answer:' }], maxNewTokens: 1, numBeams: 1, stop: [] };
  const expected = [1, 0, 0, 0, ...tokenizer.encode('what color is the car? short answer:', false)];

  const separate = new PromptEncoder({ tokenizer, imageTokens, tokensPerImage: 3, tokenizeTextBetweenImages: true });
  assert.deepEqual(separate.encode(request).inputIds, expected);
  const joined = new PromptEncoder({ tokenizer, imageTokens, tokensPerImage: 3 });
  assert.notDeepEqual(joined.encode(request).inputIds, expected);
});
