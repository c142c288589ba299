import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../core/errors.js';

const LOCK_FILE = '.lock';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One writer per run directory. The lock holds the owner's pid; a lock whose owner is gone (killed
 * process) is stale and taken over, so a crash never blocks the resume that should follow it.
 */
export function acquireRunLock(runDirectory: string): () => void {
  const file = path.join(runDirectory, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const descriptor = openSync(file, 'wx');
      writeSync(descriptor, `${process.pid}\n`);
      closeSync(descriptor);
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
      if (Number.isInteger(owner) && owner !== process.pid && processAlive(owner)) {
        throw new ConfigError(`${runDirectory} is being written by another emu-eval process (pid ${owner}); wait for it or use another --out`);
      }
      unlinkSync(file);
    }
  }
  throw new ConfigError(`could not take the lock on ${runDirectory}`);
}
