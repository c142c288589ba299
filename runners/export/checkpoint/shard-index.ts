// A sharded checkpoint's index (model.safetensors.index.json / pytorch_model.bin.index.json, as
// transformers' save_pretrained writes it): {"metadata": {"total_size": ...}, "weight_map": {tensor: shard}}.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DataError } from '../../../core/errors.js';
import { resolveInside } from '../../../core/safe-path.js';
import { parseOrThrow, readJsonFile } from '../../../core/validation.js';

const indexSchema = z.object({
  metadata: z.record(z.string(), z.unknown()).optional(),
  weight_map: z.record(z.string(), z.string().min(1)),
});

export interface ShardIndex {
  file: string;
  /** Shard path → the tensor names the index places in it, in index order. */
  shards: Map<string, string[]>;
}

/** Reads and validates the index; every shard it names must exist (all missing ones are listed). */
export function readShardIndex(folder: string, file: string): ShardIndex {
  const index = parseOrThrow(indexSchema, readJsonFile(file), file);
  const shards = new Map<string, string[]>();
  for (const [tensor, shard] of Object.entries(index.weight_map)) {
    const shardPath = resolveInside(folder, shard, { file, field: `weight_map.${tensor}` });
    const names = shards.get(shardPath) ?? [];
    names.push(tensor);
    shards.set(shardPath, names);
  }
  if (shards.size === 0) throw new DataError(`${file}: weight_map names no tensors`, file, 'weight_map');
  const missing = [...shards].filter(([shard]) => !existsSync(shard));
  if (missing.length > 0) {
    const listed = missing.map(([shard, names]) => `${path.basename(shard)} (${names.length} tensors, e.g. ${names[0]})`).join(', ');
    throw new DataError(`${file}: ${missing.length} of ${shards.size} shards named in the index are missing from ${folder}: ${listed}`, file, 'weight_map');
  }
  return { file, shards };
}
