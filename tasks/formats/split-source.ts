import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { SplitInfo } from '../../core/contracts/task.js';

// A split can be read from the dataset's official files or, for tasks that declare one, from the
// Parquet snapshot the Hugging Face hub distributes. The data folder decides: the official files when
// they are all there, else the Parquet files when every declared pattern finds some, else the official
// files again (whose reader then names what is missing). Fingerprints and `data check` follow the same choice.

export type SplitSource =
  | { format: 'official'; files: string[] }
  /** `groups[i]` holds the files matching `split.parquet[i]`, sorted; `files` all of them, for fingerprints. */
  | { format: 'parquet'; files: string[]; groups: string[][] };

export async function splitSource(split: SplitInfo, dataDir: string): Promise<SplitSource> {
  const official: SplitSource = { format: 'official', files: split.files };
  if (!split.parquet || split.files.length === 0) return official;
  const present = await Promise.all(split.files.map((name) => isFile(path.join(dataDir, name))));
  if (present.every(Boolean)) return official;
  const groups = await Promise.all(split.parquet.map((pattern) => matchingFiles(dataDir, pattern)));
  if (groups.some((group) => group.length === 0)) return official;
  return { format: 'parquet', files: groups.flat(), groups };
}

/** What a user can put in the data folder instead of the official files, for "missing" messages. */
export function parquetAlternative(split: SplitInfo): string {
  return split.parquet ? ` (or the split's Parquet files: ${split.parquet.join(' and ')})` : '';
}

/**
 * Relative names of the regular files matching a pattern whose segments may hold `*` (within the segment; MMMU
 * keeps one folder per subject, so its folder segment is a `*` too), sorted.
 */
async function matchingFiles(dataDir: string, pattern: string): Promise<string[]> {
  let found = [''];
  for (const segment of pattern.split('/')) {
    const matcher = new RegExp(`^${segment.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
    const next: string[] = [];
    for (const base of found) {
      const entries = await readdir(path.join(dataDir, base)).catch(() => [] as string[]);
      for (const entry of entries.filter((candidate) => !candidate.startsWith('.') && matcher.test(candidate)).sort()) next.push(base ? `${base}/${entry}` : entry);
    }
    found = next;
  }
  const regular = await Promise.all(found.map((name) => isFile(path.join(dataDir, name))));
  return found.filter((_, index) => regular[index]);
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
}
