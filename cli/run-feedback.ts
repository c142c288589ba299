import type { EngineEvent } from '../evals/events.js';
import { abortOnInterrupt } from './interrupt.js';
import { notifier, type CommandIO, type GlobalFlags } from './io.js';
import { createProgressReporter } from './progress.js';

/**
 * What every command that evaluates shows and listens to: notices on stderr, a progress bar on an
 * interactive terminal, Ctrl-C as a clean stop. `finish()` clears the bar before results print;
 * `dispose()` also stops listening for Ctrl-C.
 */
export function startRunFeedback(io: CommandIO, flags: GlobalFlags) {
  const notify = notifier(io, flags);
  const progress = createProgressReporter(io, !flags.quiet && !flags.json);
  const interrupt = abortOnInterrupt(io);
  return {
    notify,
    signal: interrupt.signal,
    countTotals: io.interactive && !flags.quiet && !flags.json,
    onEvent: (event: EngineEvent) => {
      if (event.type === 'notice') notify(event.level, event.message);
      else progress.onEvent(event);
    },
    finish: () => progress.stop(),
    dispose: () => {
      progress.stop();
      interrupt.dispose();
    },
  };
}
