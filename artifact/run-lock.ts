import { acquirePidLock } from '../core/pid-lock.js';

const LOCK_FILE = '.lock';

/** One writer per run directory (core/pid-lock.ts); returns the release function. */
export function acquireRunLock(runDirectory: string): () => void {
  return acquirePidLock(runDirectory, LOCK_FILE, (owner) => `${runDirectory} is being written by another emu-eval process (pid ${owner}); wait for it or use another --out`).release;
}
