import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './errors.js';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid a lock file names; NaN for an unreadable one, 'gone' when it no longer exists. */
function lockOwner(file: string): number | 'gone' {
  try {
    return Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
}

/** Alive and not us: a pid equal to ours is a lock left by an earlier process that had our pid (a restarted container). */
function heldByAnother(owner: number): boolean {
  return Number.isInteger(owner) && owner !== process.pid && processAlive(owner);
}

export interface PidLock {
  release: () => void;
  /** The pid of a dead owner whose lock was taken over, if any. */
  tookOverFrom?: number;
}

/**
 * One owner per folder (a run directory, a nightly history). The lock file holds the owner's pid; a
 * lock whose owner is gone (a killed process) is stale and taken over, so a crash never blocks the
 * resume or the next night that should follow it.
 *
 * Races closed: the lock appears with its pid already inside (hard link of a file written first), so
 * no reader ever sees an empty lock and mistakes it for a stale one; a stale lock is taken over by
 * renaming it aside, which only one process can do to a given file, and a process that finds it moved
 * a live lock (taken over by another process between its read and its rename) puts it back and refuses.
 */
export function acquirePidLock(folder: string, lockName: string, busy: (owner: number) => string): PidLock {
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, lockName);
  const mine = path.join(folder, `${lockName}.${process.pid}.new`);
  const aside = path.join(folder, `${lockName}.${process.pid}.stale`);
  let tookOverFrom: number | undefined;
  writeFileSync(mine, `${process.pid}\n`);
  try {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      try {
        linkSync(mine, file);
        const release = () => {
          try {
            if (lockOwner(file) === process.pid) unlinkSync(file);
          } catch {
            // Already gone: nothing to release.
          }
        };
        return { release, ...(tookOverFrom !== undefined ? { tookOverFrom } : {}) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = lockOwner(file);
      if (owner === 'gone') continue;
      if (heldByAnother(owner)) throw new ConfigError(busy(owner));
      try {
        renameSync(file, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const moved = lockOwner(aside);
      if (moved !== 'gone' && moved !== owner && heldByAnother(moved)) {
        try {
          linkSync(aside, file);
        } catch {
          // A third process locked it meanwhile; with three starting at once, that one keeps it.
        }
        unlinkSync(aside);
        throw new ConfigError(busy(moved));
      }
      unlinkSync(aside);
      if (Number.isInteger(owner)) tookOverFrom = owner;
    }
  } finally {
    unlinkSync(mine);
  }
  throw new ConfigError(`could not take the lock on ${folder} (${file})`);
}
