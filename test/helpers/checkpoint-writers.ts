// Checkpoint files for tests and benchmarks, written as transformers / torch write them: safetensors
// (single or sharded with model.safetensors.index.json) and torch.save zip archives (pytorch_model.bin,
// or shards with pytorch_model.bin.index.json). Tensors are converted and written one at a time, so a
// lazily produced `data` keeps a multi-GB checkpoint out of memory.
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { narrow } from './float-narrow.js';
import { type PickleLayout, type PickledTensor, pickleStateDict } from './torch-pickle-writer.js';
import { TorchZipWriter } from './torch-zip-writer.js';

export interface TensorSpec {
  dtype: 'F32' | 'F16' | 'BF16';
  shape: number[];
  /** Row-major values (narrowed to dtype, round-to-nearest-even); a function is called when the tensor is written. */
  data: Float32Array | (() => Float32Array);
}

/** A tensor given as stored bytes: any dtype name; for .bin, optionally a strided view of its storage. */
export interface RawTensorSpec {
  dtype: string;
  shape: number[];
  raw: Uint8Array;
  /** .bin only: element strides of the view and its offset into `raw` (the whole storage). */
  strides?: number[];
  storageOffset?: number;
}

export type AnyTensorSpec = TensorSpec | RawTensorSpec;
export type TensorSpecs = Record<string, AnyTensorSpec>;

const ITEM_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
const STORAGE_TYPES: Record<string, string> = {
  F32: 'FloatStorage', F16: 'HalfStorage', BF16: 'BFloat16Storage', F64: 'DoubleStorage', I64: 'LongStorage', I32: 'IntStorage',
  I16: 'ShortStorage', I8: 'CharStorage', U8: 'ByteStorage', BOOL: 'BoolStorage',
};

function bytesOf(spec: AnyTensorSpec): Uint8Array {
  if ('raw' in spec) return spec.raw;
  const data = typeof spec.data === 'function' ? spec.data() : spec.data;
  const count = spec.shape.reduce((product, size) => product * size, 1);
  if (data.length !== count) throw new Error(`tensor data has ${data.length} values, shape ${JSON.stringify(spec.shape)} needs ${count}`);
  return narrow(data, spec.dtype);
}

function byteLength(spec: AnyTensorSpec): number {
  if ('raw' in spec) return spec.raw.length;
  const bytes = ITEM_BYTES[spec.dtype]!;
  return spec.shape.reduce((product, size) => product * size, bytes);
}

export function writeSafetensors(file: string, tensors: TensorSpecs, metadata: Record<string, string> = { format: 'pt' }): void {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [name, spec] of Object.entries(tensors)) {
    const length = byteLength(spec);
    header[name] = { dtype: spec.dtype, shape: spec.shape, data_offsets: [offset, offset + length] };
    offset += length;
  }
  // The reference writer pads the header with spaces to a multiple of 8 so the data is aligned.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json);
  const fd = openSync(file, 'w');
  try {
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(headerBytes.length));
    writeSync(fd, length);
    writeSync(fd, headerBytes);
    for (const spec of Object.values(tensors)) writeSync(fd, bytesOf(spec));
  } finally {
    closeSync(fd);
  }
}

export interface TorchBinOptions extends Partial<PickleLayout> {
  /** Top-level folder inside the zip: torch uses "archive" for streams and the file's base name for paths. */
  archiveName?: string;
  /** torch ≥ 2.1 writes <archive>/byteorder; 1.x did not. */
  byteOrder?: boolean;
  forceZip64?: boolean;
}

/** What torch.save(state_dict, file) writes. */
export function writeTorchBin(file: string, tensors: TensorSpecs, options: TorchBinOptions = {}): void {
  const archive = options.archiveName ?? 'archive';
  const pickled: PickledTensor[] = Object.entries(tensors).map(([name, spec], index) => {
    const itemBytes = ITEM_BYTES[spec.dtype];
    const storageType = STORAGE_TYPES[spec.dtype];
    if (!itemBytes || !storageType) throw new Error(`no torch storage type for dtype ${spec.dtype}`);
    const contiguous = spec.shape.map((_, axis) => spec.shape.slice(axis + 1).reduce((product, size) => product * size, 1));
    const raw = 'raw' in spec ? spec : undefined;
    return {
      name,
      storageType,
      storageKey: String(index),
      storageNumel: byteLength(spec) / itemBytes,
      storageOffset: raw?.storageOffset ?? 0,
      shape: spec.shape,
      strides: raw?.strides ?? contiguous,
    };
  });
  const zip = new TorchZipWriter(file, options.forceZip64);
  zip.record(`${archive}/data.pkl`, [pickleStateDict(pickled, { dictType: options.dictType ?? 'OrderedDict', moduleMetadata: options.moduleMetadata ?? false, wrapIn: options.wrapIn })]);
  if (options.byteOrder ?? true) zip.record(`${archive}/byteorder`, [new TextEncoder().encode('little')]);
  // torch writes storages in the order of their keys as strings: 0, 1, 10, 11, ..., 2.
  const specs = Object.values(tensors);
  for (const key of pickled.map((tensor) => tensor.storageKey).sort()) zip.record(`${archive}/data/${key}`, [bytesOf(specs[Number(key)]!)]);
  zip.record(`${archive}/version`, [new TextEncoder().encode('3\n')]);
  zip.close();
}

/** Splits tensors into `shardCount` runs of about equal bytes, in order, as save_pretrained does by size. */
function shardsOf(tensors: TensorSpecs, shardCount: number): TensorSpecs[] {
  const entries = Object.entries(tensors);
  const total = entries.reduce((sum, [, spec]) => sum + byteLength(spec), 0);
  const shards: TensorSpecs[] = Array.from({ length: shardCount }, () => ({}));
  let done = 0;
  for (const [name, spec] of entries) {
    const shard = Math.min(shardCount - 1, Math.floor((done / total) * shardCount));
    shards[shard]![name] = spec;
    done += byteLength(spec);
  }
  return shards;
}

function writeSharded(folder: string, tensors: TensorSpecs, shardCount: number, prefix: string, extension: string, index: string, write: (file: string, shard: TensorSpecs) => void): string[] {
  const weightMap: Record<string, string> = {};
  const files: string[] = [];
  shardsOf(tensors, shardCount).forEach((shard, i) => {
    const name = `${prefix}-${String(i + 1).padStart(5, '0')}-of-${String(shardCount).padStart(5, '0')}.${extension}`;
    write(path.join(folder, name), shard);
    files.push(path.join(folder, name));
    for (const tensor of Object.keys(shard)) weightMap[tensor] = name;
  });
  const totalSize = Object.values(tensors).reduce((sum, spec) => sum + byteLength(spec), 0);
  writeFileSync(path.join(folder, index), `${JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2)}\n`);
  return files;
}

/** model-0000i-of-0000n.safetensors + model.safetensors.index.json; returns the shard paths. */
export function writeSafetensorsSharded(folder: string, tensors: TensorSpecs, shardCount: number): string[] {
  return writeSharded(folder, tensors, shardCount, 'model', 'safetensors', 'model.safetensors.index.json', (file, shard) => writeSafetensors(file, shard));
}

/** pytorch_model-0000i-of-0000n.bin (plain dicts, as transformers' shards) + pytorch_model.bin.index.json. */
export function writeTorchBinSharded(folder: string, tensors: TensorSpecs, shardCount: number, options: TorchBinOptions = {}): string[] {
  return writeSharded(folder, tensors, shardCount, 'pytorch_model', 'bin', 'pytorch_model.bin.index.json', (file, shard) =>
    writeTorchBin(file, shard, { dictType: 'dict', ...options }),
  );
}
