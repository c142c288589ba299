import type { Argv } from 'yargs';
import { ConfigError } from '../core/errors.js';
import type { RunnerOptions } from '../core/contracts/runner.js';
import { backendFlags, DEFAULT_MODEL, modelSpecHelp, parseModelSpec } from '../runners/registry.js';
import { joinModelSpecs } from '../runners/openai/endpoints.js';
import { getPreset } from '../tasks/prompts/presets.js';

// `run`, `run --suite` and `nightly` take the same model flags: --model and the flags every registered
// backend declares. A new backend's flags appear in all three without touching them.

/** --model and every backend's flags. */
export function withModelOptions<T>(yargs: Argv<T>) {
  let withFlags = yargs.option('model', { type: 'string', default: DEFAULT_MODEL, describe: `Model to evaluate:\n${modelSpecHelp()}` });
  for (const [name, { flag }] of backendFlags()) withFlags = withFlags.option(name, { ...flag });
  return withFlags;
}

/** How a flag that was given reads on the command line (`--no-cache` for a switch that is on by default), or undefined. */
function givenAs(name: string, value: unknown, unset: unknown): string | undefined {
  if (value === undefined || value === unset) return undefined;
  return value === false ? `--no-${name}` : `--${name}`;
}

/**
 * The runner options of the --model's backend from the parsed flags, under the protocol's settings
 * (`argv.protocol`; a suite passes each entry's). Flags of other backends are a usage error: they would
 * silently do nothing. `--params` is common to every backend.
 */
export function modelRunnerOptions(argv: Readonly<Record<string, unknown>>): RunnerOptions {
  const spec = joinModelSpecs(argv.model as string | string[]);
  const { backend } = parseModelSpec(spec);
  const foreign: string[] = [];
  const owners = new Set<string>();
  for (const [name, { flag, owners: declaredBy }] of backendFlags()) {
    if (declaredBy.includes(backend)) continue;
    const given = givenAs(name, argv[name], flag.type === 'boolean' ? (flag.default ?? false) : flag.default);
    if (!given) continue;
    foreign.push(given);
    for (const owner of declaredBy) owners.add(owner.scheme);
  }
  if (foreign.length > 0) {
    throw new ConfigError(`${foreign.join(', ')} ${foreign.length === 1 ? 'applies' : 'apply'} to ${listInWords([...owners])} models only`, true);
  }
  const preset = getPreset(String(argv.protocol));
  const numBeams = (argv['num-beams'] as number | undefined) ?? preset.numBeams;
  return {
    ...(argv.params ? { params: argv.params as number } : {}),
    ...backend.parseOptions(argv, { imageSize: preset.imageSize, numBeams }),
  };
}

/** `a`, `a and b`, `a, b and c`. */
function listInWords(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}
