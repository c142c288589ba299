// One pytorch_model*.bin as torch.save (≥ 1.6) writes it: a zip of stored entries under one top-level
// folder (the file's base name, or "archive"): data.pkl (the pickled state dict, storages as persistent
// ids), data/<key> (each storage's raw little-endian bytes), byteorder (torch ≥ 2.1), version. Only the
// zip directory, data.pkl and the local headers of the storages are read here.
import { DataError } from '../../../core/errors.js';
import { BYTES_PER_ELEMENT, type WideDtype } from './float-widen.js';
import { unpickle } from './pickle-vm.js';
import { type RandomAccessFile, readRange } from './random-access-file.js';
import type { ShardContents } from './safetensors-header.js';
import { spanBytes } from './stored-tensor.js';
import { DTYPE_BYTES, stateDictTensors, torchPickleHooks } from './torch-state-dict.js';
import { entryDataOffset, readZipDirectory, type ZipEntry } from './zip-directory.js';

const WIDENED = new Set<string>(['F32', 'F16', 'BF16']);
// data.pkl of a state dict is kilobytes to a few megabytes; anything huge is not a state dict.
const MAX_PICKLE_BYTES = 256 * 1024 * 1024;

export async function readTorchBinHeader(handle: RandomAccessFile, file: string): Promise<ShardContents> {
  const { size } = await handle.stat();
  const entries = await readZipDirectory(handle, size, file);
  const pickleEntry = entries.find((entry) => /^[^/]+\/data\.pkl$/.test(entry.name));
  if (!pickleEntry) {
    throw new DataError(`${file}: not a torch.save archive: no <archive>/data.pkl among ${entries.length} entries (${entries.slice(0, 5).map((entry) => entry.name).join(', ')})`, file);
  }
  const prefix = pickleEntry.name.slice(0, -'data.pkl'.length);
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const read = async (entry: ZipEntry) => {
    checkStored(entry, file);
    const start = await entryDataOffset(handle, entry, file);
    return readRange(handle, start, entry.size, file, entry.name);
  };

  const byteOrder = byName.get(`${prefix}byteorder`);
  if (byteOrder) {
    const order = new TextDecoder().decode(await read(byteOrder));
    if (order !== 'little') throw new DataError(`${file}: saved on a ${order}-endian machine; only little-endian checkpoints are read`, file);
  }
  if (pickleEntry.size > MAX_PICKLE_BYTES) throw new DataError(`${file}: data.pkl is ${pickleEntry.size} bytes, too large for a state dict`, file);
  const tensors = stateDictTensors(unpickle(await read(pickleEntry), `${file} (${pickleEntry.name})`, torchPickleHooks(file)), file);

  const storageStart = new Map<string, { start: number; entry: ZipEntry }>();
  const contents: ShardContents = { tensors: [], unsupported: [] };
  for (const [name, tensor] of tensors) {
    if (!WIDENED.has(tensor.dtype)) {
      contents.unsupported.push({ name, dtype: tensor.dtype, shape: tensor.shape, file });
      continue;
    }
    const dtype = tensor.dtype as WideDtype;
    const entryName = `${prefix}data/${tensor.storage.key}`;
    let storage = storageStart.get(entryName);
    if (!storage) {
      const entry = byName.get(entryName);
      if (!entry) throw new DataError(`${file}: tensor ${name}: its storage ${entryName} is not in the archive`, file, name);
      checkStored(entry, file);
      storage = { start: await entryDataOffset(handle, entry, file), entry };
      storageStart.set(entryName, storage);
    }
    const { start, entry } = storage;
    const storageBytes = tensor.storage.dtype === undefined ? tensor.storage.numel : tensor.storage.numel * DTYPE_BYTES[tensor.storage.dtype]!;
    if (entry.size !== storageBytes) {
      throw new DataError(`${file}: tensor ${name}: storage ${entryName} holds ${entry.size} bytes but its id says ${storageBytes}`, file, name);
    }
    const offsetBytes = tensor.storageOffset * BYTES_PER_ELEMENT[dtype];
    const needed = offsetBytes + spanBytes({ shape: tensor.shape, strides: tensor.strides, dtype });
    if (needed > entry.size) {
      throw new DataError(`${file}: tensor ${name}: offset ${tensor.storageOffset}, shape ${JSON.stringify(tensor.shape)}, strides ${JSON.stringify(tensor.strides)} reach past its ${entry.size}-byte storage`, file, name);
    }
    if (start + entry.size > size) {
      throw new DataError(`${file}: truncated: tensor ${name}'s storage ${entryName} ends at byte ${start + entry.size} but the file has ${size} bytes`, file, name);
    }
    contents.tensors.push({ name, dtype, shape: tensor.shape, file, position: start + offsetBytes, strides: tensor.strides });
  }
  return contents;
}

function checkStored(entry: ZipEntry, file: string): void {
  if (entry.method !== 0 || entry.compressedSize !== entry.size) {
    throw new DataError(
      `${file}: zip entry ${entry.name} is compressed (method ${entry.method}); torch.save stores entries uncompressed and tensors are read in place, so re-save it with torch.save or as safetensors`,
      file,
      entry.name,
    );
  }
}
