// The small typed set of failures the harness distinguishes. A sample-level failure is recorded as
// data (an error sample) and the run goes on; these classes are for what stops a command.

/** Bad configuration or command-line input: exit code 2 when it is a usage problem, else 1. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(message: string, readonly usage = false) {
    super(message);
  }
}

/** A dataset, predictions or artifact file that is missing or does not match its schema. */
export class DataError extends Error {
  override name = 'DataError';
  constructor(
    message: string,
    readonly file?: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A model backend failure. `retryable` marks transient faults (timeouts, 429, 5xx, dropped connections). */
export class RunnerError extends Error {
  override name = 'RunnerError';
  constructor(
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
