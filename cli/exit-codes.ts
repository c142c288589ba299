/** The exit codes of every command (the README's table): 130 (interrupted) is set where Ctrl-C is handled. */
export const EXIT = { ok: 0, error: 1, usage: 2, regression: 3 } as const;
