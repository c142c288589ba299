// Stops a run that cannot produce anything: when the first samples of a run that has never had a
// successful sample all fail with one and the same error (a chat template the model's files cannot
// render, an ONNX input name the graph lacks, a server that is down), the remaining thousands would fail
// the same way and the run would "finish" as a table of errors with exit code 0.
//
// Rule: the first wave of completed samples — the first batch (for runners that send one request per
// batch, such as OpenAI-compatible servers, one round of concurrent requests, at most 8), never fewer
// than 2, or every sample of a smaller run — all ended in error with the same message, and no sample of
// the run (samples.jsonl from earlier attempts included) has ever succeeded. Errors that differ (a
// corrupt image here and there) or any success keep the run going as before; after the first wave the
// guard never stops a run.
//
// The records that decide are held back until the decision: on a stop they are not written, so the
// rerun that follows a fix attempts them again instead of resuming past them as finished errors.
import { RunnerError } from '../core/errors.js';
import type { SampleRecord } from '../artifact/schema.js';

const MAX_WAVE = 8;

export function firstWaveSize(batchSize: number, maxInFlight: number): number {
  return Math.max(2, batchSize > 1 ? batchSize : Math.min(maxInFlight, MAX_WAVE));
}

export class FailFastGuard {
  private state: 'watching' | 'passed' | 'stopped';
  private held: SampleRecord[] = [];

  constructor(
    private readonly wave: number,
    /** Some sample of this run already succeeded (an earlier attempt): the setup works. */
    succeededBefore: boolean,
    /** Records to append, in order; called once per batch. */
    private readonly write: (records: SampleRecord[]) => void,
  ) {
    this.state = succeededBefore ? 'passed' : 'watching';
  }

  /** A batch's records, in order. Throws the stopping RunnerError when they complete a wave of one same error. */
  accept(records: SampleRecord[]): void {
    if (this.state === 'passed') {
      if (records.length > 0) this.write(records);
      return;
    }
    if (this.state === 'stopped') {
      // Batches already in flight when the run stopped: their successes are results, kept; their errors are more of the same.
      const successes = records.filter((record) => record.finishReason !== 'error');
      if (successes.length > 0) this.write(successes);
      return;
    }
    this.held.push(...records);
    if (this.held.some((record) => record.finishReason !== 'error') || distinctErrors(this.held) > 1) {
      this.pass();
      return;
    }
    if (this.held.length >= this.wave) this.stop();
  }

  /** The run's samples are all done (or the run was interrupted): decide on what is held. */
  finish(interrupted: boolean): void {
    if (this.state !== 'watching') return;
    if (!interrupted && this.held.length >= 2) this.stop();
    else this.pass();
  }

  private pass(): void {
    this.state = 'passed';
    if (this.held.length > 0) this.write(this.held);
    this.held = [];
  }

  private stop(): never {
    this.state = 'stopped';
    const count = this.held.length;
    const message = this.held[0]!.error ?? '(no message)';
    this.held = [];
    throw new RunnerError(
      `the first ${count} samples all failed with the same error and no sample of this run has succeeded: ${JSON.stringify(message)}. ` +
        'The run was stopped: every sample would fail the same way. Fix the cause and rerun the same command to resume ' +
        '(these samples were not recorded, so they are attempted again).',
    );
  }
}

function distinctErrors(records: SampleRecord[]): number {
  return new Set(records.map((record) => record.error ?? '')).size;
}
