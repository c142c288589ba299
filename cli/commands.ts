import type { Command, CommandIO } from './io.js';

// The commands main() knows, by name, with what `--help` shows of them. Each command's module is
// imported only when that command runs: `emu-eval --help` or `emu-eval tasks` should not pay for
// loading the evaluation engine, the ONNX runtime bindings and the report renderers.

type SetExitCode = (code: number) => void;

export interface CommandEntry {
  /** yargs command string: the name and its positionals. */
  command: string;
  describe: string;
  load: (io: CommandIO, setExitCode: SetExitCode) => Promise<Command>;
}

export const commandEntries = {
  run: {
    command: 'run [tasks..]',
    describe: 'Evaluate a model on one or more tasks (resumes an unfinished run of the same command)',
    load: async (io, setExitCode) => (await import('./run.js')).runCommand(io, setExitCode),
  },
  score: {
    command: 'score <task>',
    describe: 'Re-score existing predictions (official [{question_id, answer}] JSON or an emu-eval samples.jsonl); needs no images',
    load: async (io) => (await import('./score.js')).scoreCommand(io),
  },
  merge: {
    command: 'merge <runs..>',
    describe: 'Merge the shard runs of one evaluation (run --shard i/n on n machines) into one run directory equal to the unsharded run',
    load: async (io) => (await import('./merge.js')).mergeCommand(io),
  },
  tasks: {
    command: 'tasks',
    describe: 'List every task: version, modality, metric, splits, and whether data was found',
    load: async (io) => (await import('./tasks.js')).tasksCommand(io),
  },
  data: {
    command: 'data <action>',
    describe: 'Dataset utilities: `data check <task> --data DIR` validates a dataset folder',
    load: async (io, setExitCode) => (await import('./data.js')).dataCommand(io, setExitCode),
  },
  report: {
    command: 'report <run-dirs..>',
    describe: 'Compare runs with the published baselines: size-normalized tables, CSV, charts, a self-contained HTML report',
    load: async (io) => (await import('./report.js')).reportCommand(io),
  },
  baselines: {
    command: 'baselines',
    describe: 'Print the published baselines (Emu2 Tables 1–2, Flamingo, CogVLM ...) by protocol group, with size-normalized columns',
    load: async (io) => (await import('./baselines.js')).baselinesCommand(io),
  },
  leaderboard: {
    command: 'leaderboard [run-dirs..]',
    describe: 'Write a leaderboard CSV of runs (and published baselines) with size-normalized columns',
    load: async (io) => (await import('./leaderboard.js')).leaderboardCommand(io),
  },
  compare: {
    command: 'compare <baseline> <candidate>',
    describe: 'Paired comparison of two runs (or two suite runs): delta, 95% CI, p-value per task × shots; exit 3 on a regression',
    load: async (io, setExitCode) => (await import('./compare.js')).compareCommand(io, setExitCode),
  },
  nightly: {
    command: 'nightly',
    describe: 'Run a suite into a history folder, compare with the last successful night, write the report and trend charts; exit 3 on a regression',
    load: async (io, setExitCode) => (await import('./nightly.js')).nightlyCommand(io, setExitCode),
  },
  history: {
    command: 'history <dir>',
    describe: 'The trend of a nightly history folder: scores per night, flagged regressions, charts — without running anything',
    load: async (io) => (await import('./history.js')).historyCommand(io),
  },
} satisfies Record<string, CommandEntry>;

export type CommandName = keyof typeof commandEntries;

/** The command string and description a command module declares itself with. */
export function commandHeader(name: CommandName): { command: string; describe: string } {
  const { command, describe } = commandEntries[name];
  return { command, describe };
}
