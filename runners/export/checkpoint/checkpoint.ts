// Reads Hugging Face checkpoints one tensor at a time. This is the minimal safetensors-only version of
// the interface the export code is written against (the full reader, with PyTorch .bin support, replaces
// this file); its errors already name the tensor and the file, as the exporter's users need.
import { existsSync, readdirSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, DataError } from '../../../core/errors.js';
import { float16BitsToFloat32 } from '../../onnx/tensors.js';

export type TensorDtype = 'F32' | 'F16' | 'BF16';
export interface TensorInfo {
  name: string;
  dtype: TensorDtype;
  shape: number[];
  file: string;
}
export interface Checkpoint {
  folder: string;
  format: 'safetensors' | 'pytorch';
  tensors: ReadonlyMap<string, TensorInfo>;
  read(name: string): Promise<Float32Array>;
  readShaped(name: string, shape: readonly number[]): Promise<Float32Array>;
  close(): Promise<void>;
}

const BYTES_PER_ELEMENT: Record<TensorDtype, number> = { F32: 4, F16: 2, BF16: 2 };

interface Located extends TensorInfo {
  /** Absolute byte range of the tensor's data in its file. */
  start: number;
  end: number;
}

export async function openCheckpoint(folder: string): Promise<Checkpoint> {
  const root = path.resolve(folder);
  if (!existsSync(root)) throw new ConfigError(`checkpoint folder ${root} does not exist`);
  const files = readdirSync(root).filter((name) => name.endsWith('.safetensors')).sort();
  if (files.length === 0) {
    const pytorch = readdirSync(root).some((name) => /^pytorch_model.*\.bin$/.test(name));
    throw new ConfigError(`${root} has no .safetensors weights${pytorch ? ' (only PyTorch .bin files, which this reader does not read yet)' : ''}`);
  }
  const tensors = new Map<string, Located>();
  for (const file of files) {
    for (const tensor of await readHeader(path.join(root, file), file)) tensors.set(tensor.name, tensor);
  }
  const handles = new Map<string, Promise<FileHandle>>();
  const handle = (file: string) => {
    let opened = handles.get(file);
    if (!opened) handles.set(file, (opened = open(path.join(root, file), 'r')));
    return opened;
  };

  const read = async (name: string): Promise<Float32Array> => {
    const tensor = tensors.get(name);
    if (!tensor) throw new DataError(`${root}: tensor ${name} is missing from the checkpoint (${files.join(', ')})`, root, name);
    const bytes = Buffer.alloc(tensor.end - tensor.start);
    let bytesRead: number;
    try {
      ({ bytesRead } = await (await handle(tensor.file)).read(bytes, 0, bytes.length, tensor.start));
    } catch (error) {
      handles.delete(tensor.file);
      throw new DataError(`${path.join(root, tensor.file)}: cannot read tensor ${name}: ${(error as Error).message}`, tensor.file, name);
    }
    if (bytesRead !== bytes.length) throw new DataError(`${tensor.file}: tensor ${name} is truncated (${bytesRead} of ${bytes.length} bytes)`, tensor.file, name);
    return toFloat32(bytes, tensor.dtype);
  };
  return {
    folder: root,
    format: 'safetensors',
    tensors,
    read,
    async readShaped(name, shape) {
      const tensor = tensors.get(name);
      if (tensor && (tensor.shape.length !== shape.length || tensor.shape.some((dim, index) => dim !== shape[index]))) {
        throw new DataError(`${tensor.file}: tensor ${name} has shape [${tensor.shape}], expected [${shape}] from config.json`, tensor.file, name);
      }
      return read(name);
    },
    async close() {
      await Promise.all([...handles.values()].map(async (opened) => (await opened).close()));
      handles.clear();
    },
  };
}

async function readHeader(file: string, relative: string): Promise<Located[]> {
  const handle = await open(file, 'r');
  try {
    const prefix = Buffer.alloc(8);
    await handle.read(prefix, 0, 8, 0);
    const headerLength = Number(prefix.readBigUInt64LE(0));
    const { size } = await handle.stat();
    if (headerLength <= 0 || 8 + headerLength > size) throw new DataError(`${file}: not a safetensors file (header length ${headerLength}, file size ${size})`, file);
    const header = Buffer.alloc(headerLength);
    await handle.read(header, 0, headerLength, 8);
    const entries = JSON.parse(header.toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    const located: Located[] = [];
    for (const [name, entry] of Object.entries(entries)) {
      if (name === '__metadata__') continue;
      if (!(entry.dtype in BYTES_PER_ELEMENT)) {
        // Integer buffers (e.g. CLIP's position_ids) are never weights the exporter reads.
        if (/^[IU]/.test(entry.dtype) || entry.dtype === 'BOOL') continue;
        throw new DataError(`${file}: tensor ${name} has dtype ${entry.dtype}; expected F32, F16 or BF16`, file, name);
      }
      const dtype = entry.dtype as TensorDtype;
      const [begin, end] = entry.data_offsets;
      const elements = entry.shape.reduce((product, dim) => product * dim, 1);
      if (end - begin !== elements * BYTES_PER_ELEMENT[dtype] || 8 + headerLength + end > size) {
        throw new DataError(`${file}: tensor ${name} has ${end - begin} bytes at [${begin}, ${end}) for shape [${entry.shape}] ${dtype}, or runs past the end of the file`, file, name);
      }
      located.push({ name, dtype, shape: entry.shape, file: relative, start: 8 + headerLength + begin, end: 8 + headerLength + end });
    }
    return located;
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`${file}: cannot read the safetensors header: ${(error as Error).message}`, file);
  } finally {
    await handle.close();
  }
}

function toFloat32(bytes: Buffer, dtype: TensorDtype): Float32Array {
  const count = bytes.length / BYTES_PER_ELEMENT[dtype];
  const values = new Float32Array(count);
  if (dtype === 'F32') {
    new Uint8Array(values.buffer).set(bytes);
    return values;
  }
  const bits = new Uint16Array(count);
  new Uint8Array(bits.buffer).set(bytes);
  if (dtype === 'BF16') {
    const wide = new Uint32Array(values.buffer);
    for (let index = 0; index < count; index++) wide[index] = bits[index] << 16;
    return values;
  }
  for (let index = 0; index < count; index++) values[index] = float16BitsToFloat32(bits[index]);
  return values;
}
