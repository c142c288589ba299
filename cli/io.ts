/** Where a command writes: injectable so `main(argv)` can be tested without a terminal. */
export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is an interactive terminal (progress bars only there). */
  interactive: boolean;
}

export const processIO: CommandIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
};

export interface GlobalFlags {
  json: boolean;
  quiet: boolean;
}

/** Notices go to stderr, never stdout: `--json` output must stay machine-readable. */
export function notifier(io: CommandIO, flags: GlobalFlags) {
  return (level: 'info' | 'warning', message: string) => {
    if (flags.quiet && level === 'info') return;
    io.stderr(`${level === 'warning' ? 'warning: ' : ''}${message}\n`);
  };
}

/** Command modules declare their own option types; main() only needs them to be yargs modules. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Command = import('yargs').CommandModule<any, any>;

/** What a handler receives: its own options (read with a cast at the edge) plus the global flags. */
export type CommandArguments = Record<string, unknown> & GlobalFlags;
