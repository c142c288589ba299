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
