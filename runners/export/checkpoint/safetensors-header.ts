// One .safetensors file's header: 8-byte little-endian length N, N bytes of JSON mapping each tensor to
// {dtype, shape, data_offsets: [begin, end]} relative to the byte buffer after the header, and an optional
// "__metadata__" of strings (huggingface/safetensors, docs "Format"). Only the header is read; every
// tensor's extent is checked against the file size here, so a truncated shard fails at open.
import { z } from 'zod';
import { DataError } from '../../../core/errors.js';
import { parseOrThrow } from '../../../core/validation.js';
import type { WideDtype } from './float-widen.js';
import { type RandomAccessFile, readRange } from './random-access-file.js';
import { checkShape, contiguousStrides, elementCount, type StoredTensor, type UnsupportedTensor } from './stored-tensor.js';

/** Every dtype the format defines, with its size: also those the readers refuse, so their extents are still checked. */
const DTYPE_BYTES: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};
const WIDENED = new Set<string>(['F32', 'F16', 'BF16']);

// The reference implementation refuses headers above 100 MB; a larger length is a corrupt file, not a big model.
const MAX_HEADER_BYTES = 100_000_000;

const entrySchema = z.object({
  dtype: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});
const headerSchema = z.record(z.string(), entrySchema);

export interface ShardContents {
  tensors: StoredTensor[];
  unsupported: UnsupportedTensor[];
}

export async function readSafetensorsHeader(handle: RandomAccessFile, file: string): Promise<ShardContents> {
  const corrupt = (why: string) => new DataError(`${file}: corrupt safetensors header: ${why}`, file);
  const { size } = await handle.stat();
  if (size < 8) throw corrupt(`the file has ${size} bytes, fewer than the 8-byte header length`);
  const lengthBytes = await readRange(handle, 0, 8, file, 'the header length');
  const headerLength = Number(new DataView(lengthBytes.buffer).getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES) throw corrupt(`header length ${headerLength} is above the format's ${MAX_HEADER_BYTES}-byte limit`);
  if (8 + headerLength > size) throw corrupt(`header length ${headerLength} runs past the end of the ${size}-byte file (truncated?)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await readRange(handle, 8, headerLength, file, 'the header')));
  } catch (error) {
    throw corrupt(`the ${headerLength}-byte header is not JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw corrupt('the header is not a JSON object');
  const { __metadata__: _metadata, ...entries } = parsed as Record<string, unknown>;
  const header = parseOrThrow(headerSchema, entries, file);
  const dataStart = 8 + headerLength;
  const dataLength = size - dataStart;
  const contents: ShardContents = { tensors: [], unsupported: [] };
  for (const [name, entry] of Object.entries(header)) {
    const shape = checkShape(entry.shape, file, name);
    const [begin, end] = entry.data_offsets;
    const itemBytes = DTYPE_BYTES[entry.dtype];
    if (end > dataLength) {
      throw new DataError(
        `${file}: truncated: tensor ${name} ends at data byte ${end} but the file holds ${dataLength} data bytes after its header`,
        file,
        name,
      );
    }
    if (end < begin || (itemBytes !== undefined && end - begin !== elementCount(shape) * itemBytes)) {
      throw corrupt(`tensor ${name}: data_offsets [${begin}, ${end}] span ${end - begin} bytes but ${entry.dtype}${JSON.stringify(shape)} needs ${elementCount(shape) * itemBytes}`);
    }
    if (!WIDENED.has(entry.dtype)) {
      contents.unsupported.push({ name, dtype: entry.dtype, shape, file });
      continue;
    }
    contents.tensors.push({ name, dtype: entry.dtype as WideDtype, shape, file, position: dataStart + begin, strides: contiguousStrides(shape) });
  }
  return contents;
}
