import cliProgress from 'cli-progress';
import type { EngineEvent } from '../evals/evaluate.js';
import type { CommandIO } from './io.js';

/** A progress bar per task with rate and ETA on an interactive stderr; nothing when piped or quiet. */
export function createProgressReporter(io: CommandIO, enabled: boolean): { onEvent: (event: EngineEvent) => void; stop: () => void } {
  if (!enabled || !io.interactive) return { onEvent: () => {}, stop: () => {} };
  let bar: cliProgress.SingleBar | undefined;
  let started = 0;
  let completed = 0;
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    stop,
    onEvent(event) {
      if (event.type === 'task-start') {
        stop();
        bar = new cliProgress.SingleBar(
          {
            format: `${event.task} {bar} {value}/{total} samples | {rate}/s | ETA {eta_formatted}`,
            stream: process.stderr,
            etaBuffer: 50,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        const total = event.total ?? 0;
        started = Date.now();
        completed = 0;
        bar.start(total, Math.min(event.alreadyDone, total), { rate: '0.0' });
      } else if (event.type === 'progress' && bar) {
        completed += event.completed;
        const seconds = (Date.now() - started) / 1000;
        bar.increment(event.completed, { rate: seconds > 0 ? (completed / seconds).toFixed(1) : '0.0' });
      } else if (event.type === 'task-end') {
        stop();
      }
    },
  };
}
