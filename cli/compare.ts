import path from 'node:path';
import type { Argv } from 'yargs';
import { commandHeader } from './command-headers.js';
import { writeFileAtomic } from '../core/atomic-file.js';
import { ConfigError } from '../core/errors.js';
import { compareRuns, type CompareSettings } from '../scoring/compare/compare-runs.js';
import { isVideoTask } from '../tasks/registry.js';
import { compareJson, formatCompareHtml, formatCompareMarkdown, formatCompareText } from '../reports/compare-report.js';
import type { Command, CommandArguments, CommandIO } from './io.js';
import { EXIT } from './exit-codes.js';

const formats = ['table', 'md', 'html', 'json'] as const;
type CompareFormat = (typeof formats)[number];

/** The statistics flags `compare` and `nightly` share. */
export function withRegressionOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('threshold', { type: 'number', default: 1, describe: 'Points a score must drop by before a significant drop counts as a regression' })
    .option('alpha', { type: 'number', default: 0.05, describe: 'Significance level of the paired test (McNemar exact for 0/1 scores, sign-flip permutation otherwise)' })
    .option('flips', { type: 'number', default: 20, describe: 'Samples that flipped from right to wrong listed per task × shots' })
    .option('view', { choices: ['all', 'valid'] as const, default: 'all' as const, describe: 'all: error samples count as wrong (ALL view); valid: left out' });
}

export function regressionSettings(argv: CommandArguments): Pick<CompareSettings, 'threshold' | 'alpha' | 'flips' | 'view'> {
  const threshold = argv.threshold as number;
  const alpha = argv.alpha as number;
  const flips = argv.flips as number;
  if (!Number.isFinite(threshold) || threshold < 0) throw new ConfigError(`--threshold takes points >= 0, found ${threshold}`, true);
  if (!(alpha > 0 && alpha < 1)) throw new ConfigError(`--alpha takes a level between 0 and 1, found ${alpha}`, true);
  if (!Number.isInteger(flips) || flips < 0) throw new ConfigError(`--flips takes a whole number, found ${flips}`, true);
  return { threshold, alpha, flips, view: argv.view as 'all' | 'valid' };
}

function chosenFormat(argv: CommandArguments): CompareFormat {
  if (typeof argv.format === 'string') return argv.format as CompareFormat;
  const extension = typeof argv.out === 'string' ? path.extname(argv.out).slice(1).toLowerCase() : '';
  if (extension === 'markdown') return 'md';
  if ((formats as readonly string[]).includes(extension)) return extension as CompareFormat;
  return argv.json ? 'json' : 'table';
}

export function compareCommand(io: CommandIO, setExitCode: (code: number) => void): Command {
  return {
    ...commandHeader('compare'),
    builder: (yargs: Argv) =>
      withRegressionOptions(yargs)
        .positional('baseline', { type: 'string', describe: 'Run directory or suite run folder (e.g. last night)' })
        .positional('candidate', { type: 'string', describe: 'Run directory or suite run folder to judge against it' })
        .option('force', { type: 'boolean', default: false, describe: 'Compare even when task version, protocol, normalization or data differ (the reasons are still shown)' })
        .option('format', { choices: formats, describe: 'table (terminal), md, html (a section to embed), json. Default: from --out\'s extension, else table' })
        .option('out', { type: 'string', describe: 'Write the comparison to this file instead of stdout' })
        .option('seed', { type: 'number', default: 0, describe: 'Seed of the bootstrap interval and the Monte Carlo permutation test' })
        .example('$0 compare runs/vqav2-emu2-a1b2 runs/vqav2-emu2-c3d4', 'one run against another')
        .example('$0 compare history/2024-05-01-1a2b3c history/2024-05-02-4d5e6f --threshold 0.5', 'two nightly suite runs')
        .epilog('Exit codes: 0 no regression, 3 at least one task regressed, 1 runs that cannot be compared (or another error), 2 usage.'),
    handler: async (parsed: unknown) => {
      const argv = parsed as CommandArguments;
      const format = chosenFormat(argv);
      const out = argv.out as string | undefined;
      if (argv.json && !out && format !== 'json') throw new ConfigError(`--json prints the comparison as JSON on stdout; write --format ${format} to a file with --out`, true);
      const seed = argv.seed as number;
      if (!Number.isInteger(seed)) throw new ConfigError(`--seed takes a whole number, found ${seed}`, true);
      const comparison = await compareRuns(
        argv.baseline as string,
        argv.candidate as string,
        { ...regressionSettings(argv), seed, incompatible: argv.force ? 'force' : 'refuse' },
        { isVideoTask },
      );
      const forced = comparison.units.filter((unit) => unit.forced);
      for (const unit of forced) io.stderr(`warning: compared under --force although ${unit.task} ${unit.shots}-shot: ${unit.reasons.join('; ')}\n`);
      const text =
        format === 'json'
          ? `${JSON.stringify(compareJson(comparison))}\n`
          : format === 'md'
            ? `# emu-eval comparison\n\n${formatCompareMarkdown(comparison)}`
            : format === 'html'
              ? formatCompareHtml(comparison)
              : formatCompareText(comparison);
      if (out) {
        writeFileAtomic(path.resolve(out), text);
        if (argv.json) io.stdout(`${JSON.stringify({ out, format, regressed: comparison.regressions > 0, regressions: comparison.regressions })}\n`);
        else io.stdout(`wrote ${out}: ${comparison.regressions > 0 ? `REGRESSION in ${comparison.regressions} task × shots` : 'no regression'}\n`);
      } else io.stdout(text);
      if (comparison.regressions > 0) setExitCode(EXIT.regression);
    },
  };
}
