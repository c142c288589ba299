import path from 'node:path';
import { acquirePidLock, type PidLock } from '../../core/pid-lock.js';

// One nightly per history folder at a time: two crons (or a slow night overlapping the next) writing
// the same history would race on the leaderboard CSV and pick each other's half-written night as a
// baseline. The same pid lock as a run directory's (core/pid-lock.ts).

export const HISTORY_LOCK_FILE = '.nightly.lock';

export type HistoryLock = PidLock;

export function acquireHistoryLock(historyFolder: string): HistoryLock {
  const file = path.join(historyFolder, HISTORY_LOCK_FILE);
  return acquirePidLock(historyFolder, HISTORY_LOCK_FILE, (owner) => `${historyFolder} is in use by another emu-eval nightly (pid ${owner}, lock ${file}); it will be free when that night ends`);
}
