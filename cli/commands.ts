import { commandHeaders, type CommandName } from './command-headers.js';
import type { Command, CommandIO } from './io.js';

// The commands main() knows, by name. Each command's module is imported only when that command runs:
// `emu-eval --help` or `emu-eval tasks` should not pay for loading the evaluation engine, the ONNX runtime
// bindings and the report renderers.

type SetExitCode = (code: number) => void;

export interface CommandEntry {
  /** yargs command string: the name and its positionals. */
  command: string;
  describe: string;
  load: (io: CommandIO, setExitCode: SetExitCode) => Promise<Command>;
}

const loaders: Record<CommandName, CommandEntry['load']> = {
  run: async (io, setExitCode) => (await import('./run.js')).runCommand(io, setExitCode),
  score: async (io) => (await import('./score.js')).scoreCommand(io),
  merge: async (io) => (await import('./merge.js')).mergeCommand(io),
  tasks: async (io) => (await import('./tasks.js')).tasksCommand(io),
  data: async (io, setExitCode) => (await import('./data.js')).dataCommand(io, setExitCode),
  report: async (io) => (await import('./report.js')).reportCommand(io),
  baselines: async (io) => (await import('./baselines.js')).baselinesCommand(io),
  leaderboard: async (io) => (await import('./leaderboard.js')).leaderboardCommand(io),
  compare: async (io, setExitCode) => (await import('./compare.js')).compareCommand(io, setExitCode),
  nightly: async (io, setExitCode) => (await import('./nightly.js')).nightlyCommand(io, setExitCode),
  history: async (io) => (await import('./history.js')).historyCommand(io),
  export: async (io) => (await import('./export.js')).exportCommand(io),
};

export const commandEntries = Object.fromEntries(
  (Object.keys(commandHeaders) as CommandName[]).map((name) => [name, { ...commandHeaders[name], load: loaders[name] }]),
) as Record<CommandName, CommandEntry>;
