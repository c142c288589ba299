import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sourcePath } from '../../core/package-root.js';
import { z } from 'zod';

// Decoded frames live on disk, keyed by what determines their pixels: the video's content hash,
// the output size and the frame's position. Which positions a run needs follows purely from
// (sampler, N, frame count), so any later run — or another protocol that samples some of the same
// frames — reads them instead of decoding again. Content, not path, is the key: a re-downloaded
// video with different bytes is decoded afresh, a moved one is not.
//
//   <root>/<hash[0:2]>/<hash>/video.json          frame count etc. (no re-probe on a hit)
//   <root>/<hash[0:2]>/<hash>/<size>/<position>.jpg
//
// Every file is written to a temporary name and renamed into place, so a killed run or two runs
// sharing the cache never leave a half-written frame behind.

/** `$EMU_EVAL_CACHE/frames`, else `.cache/frames` at the repository root (next to the models). */
export function defaultFrameCacheRoot(): string {
  const base = process.env.EMU_EVAL_CACHE;
  return base ? path.resolve(base, 'frames') : sourcePath('.cache', 'frames');
}

const summarySchema = z.strictObject({ frameCount: z.number().int().positive(), codec: z.string(), width: z.number().int(), height: z.number().int() });
export type VideoSummary = z.infer<typeof summarySchema>;

export class FrameCache {
  readonly root: string;

  constructor(root: string = defaultFrameCacheRoot()) {
    this.root = path.resolve(root);
  }

  private entryFolder(hash: string): string {
    return path.join(this.root, hash.slice(0, 2), hash);
  }

  framePath(hash: string, size: number, position: number): string {
    return path.join(this.entryFolder(hash), String(size), `${String(position).padStart(6, '0')}.jpg`);
  }

  /** The probe facts stored by an earlier decode, or undefined (also for an unreadable entry: probe again). */
  async readSummary(hash: string): Promise<VideoSummary | undefined> {
    try {
      const parsed = summarySchema.safeParse(JSON.parse(await readFile(path.join(this.entryFolder(hash), 'video.json'), 'utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async writeSummary(hash: string, summary: VideoSummary): Promise<void> {
    const staging = await this.stagingFolder();
    try {
      const file = path.join(staging, 'video.json');
      await writeFile(file, `${JSON.stringify(summary)}\n`);
      await this.moveIntoPlace(file, path.join(this.entryFolder(hash), 'video.json'));
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  /** The positions (of those given) whose frame at this size is not cached yet. */
  async missingPositions(hash: string, size: number, positions: readonly number[]): Promise<number[]> {
    const present = await Promise.all(positions.map((position) => isFile(this.framePath(hash, size, position))));
    return positions.filter((_, index) => !present[index]);
  }

  /** Moves freshly written frame files (aligned with `positions`) into the cache. */
  async storeFrames(hash: string, size: number, positions: readonly number[], files: readonly string[]): Promise<void> {
    if (positions.length !== files.length) throw new Error(`frame cache: ${positions.length} positions but ${files.length} files`);
    await Promise.all(positions.map((position, index) => this.moveIntoPlace(files[index]!, this.framePath(hash, size, position))));
  }

  /** A fresh folder on the cache's file system (so a rename into place is atomic); the caller removes it. */
  async stagingFolder(): Promise<string> {
    const parent = path.join(this.root, 'staging');
    await mkdir(parent, { recursive: true });
    return mkdtemp(path.join(parent, `${process.pid}-`));
  }

  private async moveIntoPlace(source: string, destination: string): Promise<void> {
    await mkdir(path.dirname(destination), { recursive: true });
    // Staging is on the same file system, so this is atomic; a concurrent writer of the same frame wrote the same bytes.
    await rename(source, destination);
  }
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
}

const hashes = new Map<string, Promise<string>>();

/**
 * SHA-256 of a file's bytes, remembered for this process per (path, size, modification time, inode):
 * a video asked about in 20 questions is read once per run.
 */
export async function contentHash(file: string): Promise<string> {
  const info = await stat(file);
  const identity = `${file}\0${info.size}\0${info.mtimeMs}\0${info.ino}`;
  let hash = hashes.get(identity);
  if (!hash) {
    hash = hashStream(file);
    hashes.set(identity, hash);
    hash.catch(() => hashes.delete(identity));
  }
  return hash;
}

function hashStream(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const digest = createHash('sha256');
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => digest.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(digest.digest('hex')));
  });
}
