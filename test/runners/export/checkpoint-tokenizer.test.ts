import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { DataError } from '../../../core/errors.js';
import { convertCheckpointTokenizer, writeTokenizerJsonFromSentencePiece } from '../../../runners/export/tokenizer/write-tokenizer-json.js';
import { TextTokenizer } from '../../../runners/onnx/tokenizer.js';
import { referenceEncode } from './sentencepiece-bpe-reference.js';
import { serializeModel, testPieces } from './sentencepiece-test-model.js';

const pieces = testPieces();
const VOCAB = pieces.length;
const folders: string[] = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

/** A checkpoint folder with tokenizer.model and the given side files. */
function checkpoint(files: Record<string, object>): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'emu-eval-spm-'));
  folders.push(folder);
  writeFileSync(path.join(folder, 'tokenizer.model'), serializeModel(pieces));
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(folder, name), JSON.stringify(content));
  return folder;
}

const special = (content: string) => ({ content, lstrip: false, normalized: false, rstrip: false, single_word: false });

/** Emu2's files as saved before transformers 4.34: image tokens in added_tokens.json and special_tokens_map.json. */
const EMU2_FILES = {
  'tokenizer_config.json': { tokenizer_class: 'LlamaTokenizer', add_bos_token: true, add_eos_token: false, bos_token: { __type: 'AddedToken', ...special('<s>') }, eos_token: { __type: 'AddedToken', ...special('</s>') }, unk_token: { __type: 'AddedToken', ...special('<unk>') }, clean_up_tokenization_spaces: false },
  'special_tokens_map.json': { bos_token: special('<s>'), eos_token: special('</s>'), unk_token: special('<unk>'), additional_special_tokens: ['[IMG]', '[/IMG]', '<image>'] },
  'added_tokens.json': { '<image>': VOCAB + 2, '[IMG]': VOCAB, '[/IMG]': VOCAB + 1 },
};

describe('checkpoint tokenizer.model + side files → tokenizer.json', () => {
  test("Emu2-style added tokens keep their ids, are special, and are single tokens for the runner's tokenizer", () => {
    const folder = checkpoint(EMU2_FILES);
    const json = convertCheckpointTokenizer(folder) as { added_tokens: { id: number; content: string; normalized: boolean; special: boolean }[] };
    assert.deepEqual(
      json.added_tokens.map(({ id, content, normalized, special }) => [id, content, normalized, special]),
      [[0, '<unk>', false, true], [1, '<s>', false, true], [2, '</s>', false, true], [VOCAB, '[IMG]', false, true], [VOCAB + 1, '[/IMG]', false, true], [VOCAB + 2, '<image>', false, true]],
    );
    const tokenizer = new TextTokenizer(json, EMU2_FILES['tokenizer_config.json']);
    // Legacy LLaMA prepends ▁ to every text section, the one after an added token too (as transformers' legacy mode).
    assert.deepEqual(tokenizer.encode('[IMG]<image>[/IMG] what color is it?', true), [1, VOCAB, VOCAB + 2, VOCAB + 1, ...referenceEncode(pieces, ' what color is it?')]);
    assert.equal(tokenizer.decode(tokenizer.encode('[IMG]<image>[/IMG]Zürich 😀', true)), 'Zürich 😀');
    assert.equal(tokenizer.vocabularySize(), VOCAB + 3);
  });

  test('an added token that is not special is matched on normalized text, as transformers marks it', () => {
    const folder = checkpoint({ ...EMU2_FILES, 'special_tokens_map.json': { additional_special_tokens: ['[IMG]', '[/IMG]'] } });
    const json = convertCheckpointTokenizer(folder) as { added_tokens: { content: string; normalized: boolean; special: boolean }[] };
    assert.deepEqual(json.added_tokens.find(({ content }) => content === '<image>'), { id: VOCAB + 2, content: '<image>', single_word: false, lstrip: false, rstrip: false, normalized: true, special: false });
  });

  test('declared ids that the conversion cannot give are refused, naming the file', () => {
    const folder = checkpoint({ ...EMU2_FILES, 'added_tokens.json': { '[IMG]': VOCAB + 5, '[/IMG]': VOCAB + 6, '<image>': VOCAB + 7 } });
    assert.throws(
      () => convertCheckpointTokenizer(folder),
      (error: Error) => error instanceof DataError && error.message.startsWith(path.join(folder, 'added_tokens.json')) && error.message.includes(`"[IMG]" has id ${VOCAB + 5}, but converting tokenizer.model gives it id ${VOCAB}`),
    );
  });

  test('added_tokens_decoder (transformers ≥ 4.34) and legacy: false, as LLaVA-1.5 configs have', () => {
    const config = {
      add_bos_token: true,
      legacy: false,
      pad_token: null,
      added_tokens_decoder: { '0': { ...special('<unk>'), special: true }, '1': { ...special('<s>'), special: true }, '2': { ...special('</s>'), special: true }, [String(VOCAB)]: { ...special('<image>'), special: true } },
    };
    // added_tokens.json is ignored once the config has added_tokens_decoder, as transformers does.
    const folder = checkpoint({ 'tokenizer_config.json': config, 'added_tokens.json': { '<video>': VOCAB + 1 } });
    const json = convertCheckpointTokenizer(folder) as { added_tokens: { content: string }[]; pre_tokenizer: unknown };
    assert.deepEqual(json.added_tokens.map(({ content }) => content), ['<unk>', '<s>', '</s>', '<image>']);
    assert.deepEqual(json.pre_tokenizer, { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false });
    const tokenizer = new TextTokenizer(json, config);
    assert.deepEqual(tokenizer.encode('what color<image> is it', true), [1, ...referenceEncode(pieces, 'what color'), VOCAB, ...referenceEncode(pieces, 'is it')]);
  });

  test('writes tokenizer.json into the export folder; a checkpoint without tokenizer.model is a DataError', () => {
    const folder = checkpoint(EMU2_FILES);
    const output = mkdtempSync(path.join(tmpdir(), 'emu-eval-export-'));
    folders.push(output);
    const written = writeTokenizerJsonFromSentencePiece(folder, output);
    assert.equal(written, path.join(output, 'tokenizer.json'));
    assert.deepEqual(JSON.parse(readFileSync(written, 'utf8')), convertCheckpointTokenizer(folder));
    assert.throws(() => convertCheckpointTokenizer(output), (error: Error) => error instanceof DataError && /has neither tokenizer.json nor a SentencePiece tokenizer.model/.test(error.message));
    const broken = checkpoint({});
    writeFileSync(path.join(broken, 'tokenizer_config.json'), '{"legacy": tru');
    assert.throws(() => convertCheckpointTokenizer(broken), (error: Error) => error instanceof DataError && error.message.startsWith(path.join(broken, 'tokenizer_config.json')));
  });
});
