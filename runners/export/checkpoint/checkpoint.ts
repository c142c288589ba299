// Hugging Face checkpoints read for export: safetensors or torch.save .bin, single file or sharded with an
// index. Opening reads headers and indexes only; each tensor is read on demand with positioned reads of
// its own bytes, so memory follows the largest tensor, never the checkpoint (Emu2-Chat is ~74 GB).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../../../core/errors.js';
import { type FileOpener, openForReading, type RandomAccessFile } from './random-access-file.js';
import { readSafetensorsHeader, type ShardContents } from './safetensors-header.js';
import { readShardIndex } from './shard-index.js';
import { similarNames } from './similar-names.js';
import { readStoredTensor, type StoredTensor, type UnsupportedTensor } from './stored-tensor.js';
import { readTorchBinHeader } from './torch-bin.js';

export type TensorDtype = 'F32' | 'F16' | 'BF16';
export interface TensorInfo {
  name: string;
  dtype: TensorDtype;
  shape: number[];
  file: string;
}
export type { UnsupportedTensor };

export interface Checkpoint {
  folder: string;
  format: 'safetensors' | 'pytorch' | 'random';
  /** Every tensor's name, dtype, shape and file, from headers / indexes only (no tensor data read). */
  tensors: ReadonlyMap<string, TensorInfo>;
  /** Tensors stored in a dtype `read` refuses (int64 position ids, float64, ...): listed, not readable. */
  unsupported: ReadonlyMap<string, UnsupportedTensor>;
  /** One tensor's values widened to float32, read from disk on demand (memory: that tensor only). */
  read(name: string): Promise<Float32Array>;
  /** The same, checked to have this shape (error names tensor, file, expected and found shapes). */
  readShaped(name: string, shape: readonly number[]): Promise<Float32Array>;
  close(): Promise<void>;
  /**
   * Called for every tensor an exporter asks for, before any is read. A checkpoint that makes its
   * tensors instead of storing them (random weights) learns their shapes from these requests.
   */
  declare?(name: string, shape: readonly number[]): void;
  /**
   * A [rows, columns] tensor's values in [columns, rows] order, for checkpoints that can produce them so
   * without a transpose pass (random weights); others are read and transposed.
   */
  readTransposed?(name: string, shape: readonly [number, number]): Promise<Float32Array>;
}

export interface OpenOptions {
  /** How files are opened; tests wrap it to count the bytes read. */
  open?: FileOpener;
}

// transformers' names, in the order from_pretrained prefers them.
const LAYOUTS = [
  { file: 'model.safetensors', format: 'safetensors', sharded: false },
  { file: 'model.safetensors.index.json', format: 'safetensors', sharded: true },
  { file: 'pytorch_model.bin', format: 'pytorch', sharded: false },
  { file: 'pytorch_model.bin.index.json', format: 'pytorch', sharded: true },
] as const;

/** Picks the format from the files present; a clear error listing what was found when none. */
export async function openCheckpoint(folder: string, options: OpenOptions = {}): Promise<Checkpoint> {
  const layout = LAYOUTS.find((candidate) => existsSync(path.join(folder, candidate.file)));
  if (!layout) {
    let found: string;
    try {
      const names = readdirSync(folder).sort();
      found = names.length === 0 ? 'an empty folder' : `${names.slice(0, 20).join(', ')}${names.length > 20 ? `, ... (${names.length} in all)` : ''}`;
    } catch (error) {
      throw new DataError(`${folder}: cannot list the checkpoint folder (${(error as Error).message})`, folder);
    }
    throw new DataError(`${folder}: no checkpoint weights: expected one of ${LAYOUTS.map((candidate) => candidate.file).join(', ')}; found ${found}`, folder);
  }
  const open = options.open ?? openForReading;
  const readHeader = layout.format === 'safetensors' ? readSafetensorsHeader : readTorchBinHeader;
  const handles = new Map<string, RandomAccessFile>();
  const stored = new Map<string, StoredTensor>();
  const unsupported = new Map<string, UnsupportedTensor>();
  const add = (contents: ShardContents, wanted?: Set<string>) => {
    for (const tensor of contents.tensors) if (!wanted || wanted.has(tensor.name)) stored.set(tensor.name, tensor);
    for (const tensor of contents.unsupported) if (!wanted || wanted.has(tensor.name)) unsupported.set(tensor.name, tensor);
  };
  try {
    const headerOf = async (file: string) => {
      const handle = await open(file);
      handles.set(file, handle);
      return readHeader(handle, file);
    };
    const main = path.join(folder, layout.file);
    if (!layout.sharded) add(await headerOf(main));
    else {
      const index = readShardIndex(folder, main);
      for (const [shard, names] of index.shards) {
        const contents = await headerOf(shard);
        const wanted = new Set(names);
        add(contents, wanted);
        const present = new Set([...contents.tensors, ...contents.unsupported].map((tensor) => tensor.name));
        const absent = names.filter((name) => !present.has(name));
        if (absent.length > 0) {
          throw new DataError(
            `${main}: tensor ${absent[0]}${absent.length > 1 ? ` (and ${absent.length - 1} more)` : ''} is indexed in ${path.basename(shard)} but that shard does not hold it`,
            shard,
            absent[0],
          );
        }
      }
    }
    return new OpenCheckpoint(folder, layout.format, main, stored, unsupported, handles);
  } catch (error) {
    await Promise.allSettled([...handles.values()].map((handle) => handle.close()));
    throw error;
  }
}

class OpenCheckpoint implements Checkpoint {
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  private closed = false;

  constructor(
    readonly folder: string,
    readonly format: 'safetensors' | 'pytorch',
    private readonly source: string,
    private readonly stored: Map<string, StoredTensor>,
    readonly unsupported: ReadonlyMap<string, UnsupportedTensor>,
    private readonly handles: Map<string, RandomAccessFile>,
  ) {
    this.tensors = new Map([...stored].map(([name, { dtype, shape, file }]) => [name, { name, dtype, shape, file }]));
  }

  async read(name: string): Promise<Float32Array> {
    return readStoredTensor(this.handleOf(name), this.stored.get(name)!);
  }

  async readShaped(name: string, shape: readonly number[]): Promise<Float32Array> {
    const handle = this.handleOf(name);
    const tensor = this.stored.get(name)!;
    if (tensor.shape.length !== shape.length || tensor.shape.some((size, axis) => size !== shape[axis])) {
      throw new DataError(`${tensor.file}: tensor ${name} has shape ${JSON.stringify(tensor.shape)}, expected ${JSON.stringify(shape)}`, tensor.file, name);
    }
    return readStoredTensor(handle, tensor);
  }

  async close(): Promise<void> {
    this.closed = true;
    const handles = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(handles.map((handle) => handle.close()));
  }

  /** The open file holding a readable tensor; otherwise the error that says why it cannot be read. */
  private handleOf(name: string): RandomAccessFile {
    if (this.closed) throw new DataError(`${this.source}: checkpoint is closed; cannot read tensor ${name}`, this.source, name);
    const tensor = this.stored.get(name);
    if (tensor) return this.handles.get(tensor.file)!;
    const refused = this.unsupported.get(name);
    if (refused) {
      throw new DataError(`${refused.file}: tensor ${name} has dtype ${refused.dtype}; only F32, F16 and BF16 are read`, refused.file, name);
    }
    const similar = similarNames(name, [...this.stored.keys(), ...this.unsupported.keys()]);
    const hint = similar.length > 0 ? `; similarly named: ${similar.join(', ')}` : `; it has ${this.stored.size + this.unsupported.size} tensors`;
    throw new DataError(`${this.source}: no tensor named ${name}${hint}`, this.source, name);
  }
}
