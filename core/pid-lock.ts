import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
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
 * no reader ever sees an empty lock and mistakes it for a stale one. A stale lock is removed only by
 * the holder of a short-lived takeover file (created exclusively), after checking again that the lock
 * is still the stale one; nobody ever removes or moves a live lock, so two processes can't both end
 * up holding it (moving a live lock aside and back, as this once did, let a third process in between).
 */
export function acquirePidLock(folder: string, lockName: string, busy: (owner: number) => string): PidLock {
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, lockName);
  const mine = path.join(folder, `${lockName}.${process.pid}.new`);
  const takeover = `${file}.takeover`;
  let tookOverFrom: number | undefined;
  writeFileSync(mine, `${process.pid}\n`);
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
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
      if (!enterTakeover(mine, takeover)) {
        pause(TAKEOVER_WAIT_MS);
        continue;
      }
      try {
        // Under the takeover file the lock can only change by its (live) owner releasing it.
        const still = lockOwner(file);
        if (still === 'gone') continue;
        if (heldByAnother(still)) throw new ConfigError(busy(still));
        unlinkSync(file);
        if (Number.isInteger(still)) tookOverFrom = still;
      } finally {
        unlinkSync(takeover);
      }
    }
  } finally {
    unlinkSync(mine);
  }
  throw new ConfigError(`could not take the lock on ${folder} (${file})`);
}

const MAX_ATTEMPTS = 200;
const TAKEOVER_WAIT_MS = 5;

/**
 * Links the takeover file (our pid already inside, like the lock), or says another process holds it.
 * One left by a dead process (it crashed inside, which takes microseconds) is removed for the next try;
 * two waiters doing that at once could remove a third one's fresh file, so only after such a crash.
 */
function enterTakeover(mine: string, takeover: string): boolean {
  try {
    linkSync(mine, takeover);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = lockOwner(takeover);
  if (holder !== 'gone' && !heldByAnother(holder)) {
    try {
      unlinkSync(takeover);
    } catch {
      // Another waiter removed it first.
    }
  }
  return false;
}

/** Sleeps the thread: acquiring a lock is synchronous, and the wait is a few milliseconds. */
function pause(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}
