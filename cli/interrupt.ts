import type { CommandIO } from './io.js';

/**
 * First Ctrl-C: stop taking new samples, let in-flight work finish and be written, exit resumable.
 * Second Ctrl-C: leave at once (what was written stays; the resumed run redoes the rest).
 */
export function abortOnInterrupt(io: CommandIO): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    io.stderr('\ninterrupted: finishing in-flight samples; rerun the same command to resume (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
