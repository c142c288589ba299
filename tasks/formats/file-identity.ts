import { realpathSync, statSync } from 'node:fs';

// A file as it is on disk now — real path, device, inode, size, modification and status-change times —
// the rule make and rsync use to decide a file is unchanged. Writing a file changes its times (and a
// status change cannot be set back by hand), so what is remembered under an identity (a prepared
// split, a data fingerprint) is found again only for the same unchanged file.

export type FileIdentity = [realPath: string, device: number, inode: number, size: number, modifiedMs: number, changedMs: number];

export function fileIdentity(file: string): FileIdentity {
  const real = realpathSync(file);
  const { dev, ino, size, mtimeMs, ctimeMs } = statSync(real);
  return [real, dev, ino, size, mtimeMs, ctimeMs];
}

export function sameFileIdentity(first: FileIdentity, second: FileIdentity): boolean {
  return first.every((field, index) => field === second[index]);
}

/**
 * Timestamps move in steps (a few milliseconds on Linux, seconds on some file systems): a file written
 * twice within one step, at the same size, keeps its identity. So nothing is remembered under the
 * identity of a file modified less than this long ago (git's "racy" rule); it is simply read again.
 */
export const SETTLED_AFTER_MS = 2000;

/** Whether the file was last modified long enough ago for its identity to tell its versions apart. */
export function settled(identity: FileIdentity, now = Date.now()): boolean {
  return now - identity[4] >= SETTLED_AFTER_MS;
}

/** False when EMU_EVAL_DATA_CACHE=off: nothing is remembered about data files (prepared splits, fingerprints). */
export function dataCacheEnabled(): boolean {
  return process.env.EMU_EVAL_DATA_CACHE !== 'off';
}
