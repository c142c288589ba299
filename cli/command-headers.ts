// What `--help` shows of each command, by name. Command modules declare themselves with their header;
// cli/commands.ts pairs each header with the loader of its module (loaded only when that command runs).

export const commandHeaders = {
  run: {
    command: 'run [tasks..]',
    describe: 'Evaluate a model on one or more tasks (resumes an unfinished run of the same command)',
  },
  score: {
    command: 'score <task>',
    describe: 'Re-score existing predictions (official [{question_id, answer}] JSON or an emu-eval samples.jsonl); needs no images',
  },
  merge: {
    command: 'merge <runs..>',
    describe: 'Merge the shard runs of one evaluation (run --shard i/n on n machines) into one run directory equal to the unsharded run',
  },
  tasks: {
    command: 'tasks',
    describe: 'List every task: version, modality, metric, splits, and whether data was found',
  },
  data: {
    command: 'data <action>',
    describe: 'Dataset utilities: `data check <task> --data DIR` validates a dataset folder',
  },
  report: {
    command: 'report <run-dirs..>',
    describe: 'Compare runs with the published baselines: size-normalized tables, CSV, charts, a self-contained HTML report',
  },
  baselines: {
    command: 'baselines',
    describe: 'Print the published baselines (Emu2 Tables 1–2, Flamingo, CogVLM ...) by protocol group, with size-normalized columns',
  },
  leaderboard: {
    command: 'leaderboard [run-dirs..]',
    describe: 'Write a leaderboard CSV of runs (and published baselines) with size-normalized columns',
  },
  compare: {
    command: 'compare <baseline> <candidate>',
    describe: 'Paired comparison of two runs (or two suite runs): delta, 95% CI, p-value per task × shots; exit 3 on a regression',
  },
  nightly: {
    command: 'nightly',
    describe: 'Run a suite into a history folder, compare with the last successful night, write the report and trend charts; exit 3 on a regression',
  },
  export: {
    command: 'export [checkpoint]',
    describe: 'Export a Hugging Face checkpoint (LLaVA-1.5, Emu2, CogVLM) to an ONNX model folder that --model onnx:DIR runs (or use --model hf:DIR); --random CONFIG_JSON writes one with random weights',
  },
  history: {
    command: 'history <dir>',
    describe: 'The trend of a nightly history folder: scores per night, flagged regressions, charts — without running anything',
  },
} as const satisfies Record<string, { command: string; describe: string }>;

export type CommandName = keyof typeof commandHeaders;

/** The command string and description a command module declares itself with. */
export function commandHeader(name: CommandName): { command: string; describe: string } {
  const { command, describe } = commandHeaders[name];
  return { command, describe };
}
