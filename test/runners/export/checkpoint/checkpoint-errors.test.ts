import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openCheckpoint } from '../../../../runners/export/checkpoint/checkpoint.js';
import { type TensorSpecs, writeSafetensors, writeSafetensorsSharded, writeTorchBin, writeTorchBinSharded } from '../../../helpers/checkpoint-writers.js';
import { TorchZipWriter } from '../../../helpers/torch-zip-writer.js';

const folders: string[] = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));
function folder(): string {
  const made = mkdtempSync(path.join(tmpdir(), 'emu-eval-checkpoint-errors-'));
  folders.push(made);
  return made;
}

const TENSORS: TensorSpecs = {
  'model.layers.0.self_attn.q_proj.weight': { dtype: 'F16', shape: [4, 4], data: new Float32Array(16).fill(1) },
  'model.layers.0.self_attn.k_proj.weight': { dtype: 'F16', shape: [4, 4], data: new Float32Array(16).fill(2) },
  'model.layers.1.self_attn.q_proj.weight': { dtype: 'F16', shape: [4, 4], data: new Float32Array(16).fill(3) },
  'model.norm.weight': { dtype: 'F16', shape: [4], data: new Float32Array(4).fill(4) },
};

/** Asserts a DataError whose message matches every pattern. */
function dataError(...patterns: RegExp[]) {
  return (error: Error) => {
    assert.equal(error.name, 'DataError', error.message);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  };
}
const literal = (text: string) => new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

describe('checkpoint errors name the file and the tensor', () => {
  test('a safetensors shard cut short fails at open, from its header alone', async () => {
    const dir = folder();
    const [, second] = writeSafetensorsSharded(dir, TENSORS, 2);
    truncateSync(second!, statSync(second!).size - 4);
    await assert.rejects(openCheckpoint(dir), dataError(literal(second!), /truncated: tensor model\.norm\.weight ends at data byte \d+ but the file holds \d+ data bytes/));
  });

  test('a file cut short after it was opened fails on read, naming the tensor and the bytes it needed', async () => {
    for (const write of [writeSafetensors, writeTorchBin]) {
      const dir = folder();
      const file = path.join(dir, write === writeSafetensors ? 'model.safetensors' : 'pytorch_model.bin');
      write(file, TENSORS);
      const checkpoint = await openCheckpoint(dir);
      truncateSync(file, 100);
      await assert.rejects(checkpoint.read('model.norm.weight'), dataError(literal(file), /truncated: tensor model\.norm\.weight needs bytes \d+\.\.\d+ but the file ends at byte 100/));
      await checkpoint.close();
    }
  });

  test('a truncated .bin has lost its zip directory and says so', async () => {
    const dir = folder();
    const file = path.join(dir, 'pytorch_model.bin');
    writeTorchBin(file, TENSORS);
    truncateSync(file, statSync(file).size - 200);
    await assert.rejects(openCheckpoint(dir), dataError(literal(file), /no end-of-central-directory record \(a truncated file/));
  });

  test('a shard named in the index but missing is named with its tensors', async () => {
    for (const write of [writeSafetensorsSharded, writeTorchBinSharded]) {
      const dir = folder();
      const shards = write(dir, TENSORS, 2);
      rmSync(shards[1]!);
      await assert.rejects(openCheckpoint(dir), dataError(/index\.json: 1 of 2 shards named in the index are missing/, literal(`${path.basename(shards[1]!)} (`), /\(2 tensors, e\.g\. model\.layers\.1\.self_attn\.q_proj\.weight\)/));
    }
  });

  test('a tensor the index places in a shard that does not hold it', async () => {
    for (const [write, index] of [[writeSafetensorsSharded, 'model.safetensors.index.json'], [writeTorchBinSharded, 'pytorch_model.bin.index.json']] as const) {
      const dir = folder();
      const shards = write(dir, TENSORS, 2);
      const indexFile = path.join(dir, index);
      const json = JSON.parse(readFileSync(indexFile, 'utf8'));
      json.weight_map['model.norm.weight'] = path.basename(shards[0]!);
      writeFileSync(indexFile, JSON.stringify(json));
      await assert.rejects(openCheckpoint(dir), dataError(literal(indexFile), /tensor model\.norm\.weight is indexed in \S+00001-of-00002\.\w+ but that shard does not hold it/));
    }
  });

  test('an index that fails validation, or names a shard outside the folder', async () => {
    const dir = folder();
    writeSafetensorsSharded(dir, TENSORS, 2);
    const indexFile = path.join(dir, 'model.safetensors.index.json');
    writeFileSync(indexFile, JSON.stringify({ metadata: { total_size: 1 }, weight_map: { 'model.norm.weight': 3 } }));
    await assert.rejects(openCheckpoint(dir), dataError(literal(indexFile), /weight_map\.model\.norm\.weight: .*found 3/));
    writeFileSync(indexFile, JSON.stringify({ weight_map: { 'model.norm.weight': '../elsewhere.safetensors' } }));
    await assert.rejects(openCheckpoint(dir), dataError(/contains '\.\.'/));
    writeFileSync(indexFile, '{"weight_map": {');
    await assert.rejects(openCheckpoint(dir), dataError(literal(indexFile)));
  });

  test('a missing tensor suggests similarly named ones (prefix differences first, then shared suffixes)', async () => {
    const dir = folder();
    writeSafetensors(path.join(dir, 'model.safetensors'), TENSORS);
    const checkpoint = await openCheckpoint(dir);
    await assert.rejects(
      checkpoint.read('language_model.model.layers.0.self_attn.q_proj.weight'),
      dataError(/model\.safetensors: no tensor named language_model\.model\.layers\.0\.self_attn\.q_proj\.weight; similarly named: model\.layers\.0\.self_attn\.q_proj\.weight$/),
    );
    await assert.rejects(
      checkpoint.read('model.layers.7.self_attn.q_proj.weight'),
      dataError(/similarly named: model\.layers\.0\.self_attn\.q_proj\.weight, model\.layers\.1\.self_attn\.q_proj\.weight$/),
    );
    await assert.rejects(checkpoint.read('vision_tower.patch_embed'), dataError(/no tensor named vision_tower\.patch_embed; it has 4 tensors/));
    await checkpoint.close();
  });

  test('readShaped with the wrong shape names tensor, file, expected and found shapes', async () => {
    const dir = folder();
    writeTorchBin(path.join(dir, 'pytorch_model.bin'), TENSORS);
    const checkpoint = await openCheckpoint(dir);
    await assert.rejects(
      checkpoint.readShaped('model.norm.weight', [1, 4]),
      dataError(/pytorch_model\.bin: tensor model\.norm\.weight has shape \[4\], expected \[1,4\]/),
    );
    await checkpoint.close();
    await assert.rejects(checkpoint.read('model.norm.weight'), dataError(/checkpoint is closed/));
  });

  test('corrupt safetensors headers: not JSON, a length past the file, a length past the format limit, offsets that disagree with the shape', async () => {
    const dir = folder();
    const file = path.join(dir, 'model.safetensors');
    const withHeader = (header: string, length = Buffer.byteLength(header)) => {
      const prefix = Buffer.alloc(8);
      prefix.writeBigUInt64LE(BigInt(length));
      writeFileSync(file, Buffer.concat([prefix, Buffer.from(header), Buffer.alloc(16)]));
    };
    withHeader('{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]');
    await assert.rejects(openCheckpoint(dir), dataError(literal(file), /corrupt safetensors header: the \d+-byte header is not JSON/));
    withHeader('{}', 5000);
    await assert.rejects(openCheckpoint(dir), dataError(/header length 5000 runs past the end of the \d+-byte file/));
    withHeader('{}', 2 ** 40);
    await assert.rejects(openCheckpoint(dir), dataError(/above the format's 100000000-byte limit/));
    withHeader('{"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}');
    await assert.rejects(openCheckpoint(dir), dataError(/tensor w: data_offsets \[0, 8\] span 8 bytes but F32\[3\] needs 12/));
    withHeader('{"w": {"dtype": "F32", "shape": "3", "data_offsets": [0, 8]}}');
    await assert.rejects(openCheckpoint(dir), dataError(literal(file), /w\.shape/));
  });

  test('a pickle naming any other global is refused before anything runs, naming the file and the global', async () => {
    const dir = folder();
    const file = path.join(dir, 'pytorch_model.bin');
    // pickle.dumps of os.system('touch pwned') at protocol 2: GLOBAL 'os system', ('touch pwned',), REDUCE.
    const evil = Buffer.concat([Buffer.from('\x80\x02cos\nsystem\nq\x00X\x0b\x00\x00\x00touch pwnedq\x01\x85q\x02Rq\x03.', 'latin1')]);
    const zip = new TorchZipWriter(file);
    zip.record('archive/data.pkl', [evil]);
    zip.close();
    await assert.rejects(openCheckpoint(dir), dataError(literal(file), /refusing to unpickle: global os\.system is not one torch\.save writes/));
  });

  test('a compressed zip entry is refused with a way out', async () => {
    const dir = folder();
    const file = path.join(dir, 'pytorch_model.bin');
    writeTorchBin(file, TENSORS);
    // Mark data/1's central directory entry as deflated (method 8), as zip tools re-packing the file would.
    // The name's last occurrence is in the central directory, 46 bytes after its entry's signature.
    const bytes = readFileSync(file);
    const header = bytes.lastIndexOf('archive/data/1') - 46;
    assert.equal(bytes.readUInt32LE(header), 0x02014b50);
    bytes.writeUInt16LE(8, header + 10);
    writeFileSync(file, bytes);
    await assert.rejects(openCheckpoint(dir), dataError(literal(file), /zip entry archive\/data\/1 is compressed \(method 8\).*re-save it/));
  });

  test('a folder without weights lists what it holds', async () => {
    const dir = folder();
    writeFileSync(path.join(dir, 'config.json'), '{}');
    writeFileSync(path.join(dir, 'tokenizer.model'), '');
    await assert.rejects(
      openCheckpoint(dir),
      dataError(literal(dir), /no checkpoint weights: expected one of model\.safetensors, model\.safetensors\.index\.json, pytorch_model\.bin, pytorch_model\.bin\.index\.json; found config\.json, tokenizer\.model$/),
    );
    await assert.rejects(openCheckpoint(path.join(dir, 'nope')), dataError(/cannot list the checkpoint folder/));
  });
});
