// `--model hf:DIR`: the checkpoint exported into the model cache on first use, then reused. The cache
// folder is named by a content key that is cheap to compute for a 74 GB checkpoint: config.json, the
// shard index, and each weight file's name, size and safetensors header (the tensor table with every
// name, dtype, shape and offset) — not the weight bytes. Editing weights in place without changing any
// of those would go unnoticed; replacing a checkpoint with another one does not.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { cacheDirectory } from '../../core/cache-directory.js';
import { ConfigError } from '../../core/errors.js';
import { EXPORT_FORMAT_VERSION, exportCheckpoint, type ExportDtype } from './export-checkpoint.js';

const KEYED_FILES = /^(config\.json|.*\.index\.json|.*\.safetensors|pytorch_model.*\.bin)$/;
/** Larger safetensors headers are not plausible; refuse rather than read gigabytes into the key. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export async function checkpointContentKey(folder: string, dtype: ExportDtype): Promise<string> {
  if (!existsSync(path.join(folder, 'config.json'))) throw new ConfigError(`hf:${folder}: no config.json there; hf: takes a Hugging Face checkpoint folder`);
  const hash = createHash('sha256').update(`emu-eval export v${EXPORT_FORMAT_VERSION} ${dtype}\n`);
  for (const name of readdirSync(folder).filter((entry) => KEYED_FILES.test(entry)).sort()) {
    const file = path.join(folder, name);
    const { size } = await stat(file);
    hash.update(`${name}\0${size}\0`);
    if (name.endsWith('.json')) hash.update(await readFile(file));
    else if (name.endsWith('.safetensors')) hash.update(await safetensorsHeader(file, size));
  }
  return hash.digest('hex').slice(0, 16);
}

/** The exported folder for a checkpoint, exporting it first when the cache has none. */
export async function ensureExportedCheckpoint(folder: string, dtype: ExportDtype, onProgress?: (written: number, total: number) => void): Promise<string> {
  const source = path.resolve(folder);
  const key = await checkpointContentKey(source, dtype);
  const target = cacheDirectory(path.join('models', `hf-${key}`));
  if (existsSync(path.join(target, 'config.json'))) return target;
  try {
    await exportCheckpoint(source, target, { dtype, onProgress, provenance: { content_key: key } });
  } catch (error) {
    // A concurrent first use may have finished the same export while this one ran.
    if (existsSync(path.join(target, 'config.json'))) return target;
    throw error;
  }
  return target;
}

async function safetensorsHeader(file: string, size: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const prefix = Buffer.alloc(8);
    await handle.read(prefix, 0, 8, 0);
    const length = Number(prefix.readBigUInt64LE(0));
    if (length > MAX_HEADER_BYTES || 8 + length > size) throw new ConfigError(`${file} is not a safetensors file (header length ${length}, file size ${size})`);
    const header = Buffer.alloc(length);
    await handle.read(header, 0, length, 8);
    return header;
  } finally {
    await handle.close();
  }
}
