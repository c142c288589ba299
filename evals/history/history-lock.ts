import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../core/errors.js';

// One nightly per history folder at a time: two crons (or a slow night overlapping the next) writing
// the same history would race on the leaderboard CSV and pick each other's half-written night as a
// baseline. Same idea as the run lock (evals/results/run-lock.ts): the lock holds the owner's pid, and
// a lock whose owner is gone (a killed process) is stale and taken over.

export const HISTORY_LOCK_FILE = '.nightly.lock';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface HistoryLock {
  release: () => void;
  /** The pid of a dead owner whose lock was taken over, if any. */
  tookOverFrom?: number;
}

export function acquireHistoryLock(historyFolder: string): HistoryLock {
  mkdirSync(historyFolder, { recursive: true });
  const file = path.join(historyFolder, HISTORY_LOCK_FILE);
  let tookOverFrom: number | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const descriptor = openSync(file, 'wx');
      writeSync(descriptor, `${process.pid}\n`);
      closeSync(descriptor);
      const release = () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
      return { release, ...(tookOverFrom !== undefined ? { tookOverFrom } : {}) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = Number.NaN;
      try {
        owner = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
      } catch {
        // Released between our open and read: try again.
        continue;
      }
      if (Number.isInteger(owner) && owner !== process.pid && processAlive(owner)) {
        throw new ConfigError(`${historyFolder} is in use by another emu-eval nightly (pid ${owner}, lock ${file}); it will be free when that night ends`);
      }
      tookOverFrom = Number.isInteger(owner) ? owner : undefined;
      try {
        unlinkSync(file);
      } catch {
        // Another process took it over first; the next attempt sees its lock.
      }
    }
  }
  throw new ConfigError(`could not take the lock on ${historyFolder} (${file})`);
}
