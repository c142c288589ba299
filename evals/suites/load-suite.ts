import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sourcePath } from '../../core/package-root.js';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { ConfigError, DataError } from '../../core/errors.js';
import { hashOf } from '../../core/hash.js';
import { describeIssues } from '../../core/validation.js';
import { suiteSchema, type Suite } from './suite-schema.js';

/** The folder of the built-in suites (in the checkout, so it works from any working directory). */
export const BUILT_IN_SUITES_FOLDER = sourcePath('evals', 'suites');

export function builtInSuiteNames(): string[] {
  return readdirSync(BUILT_IN_SUITES_FOLDER)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => name.slice(0, -'.yaml'.length))
    .sort();
}

/** `nightly` → the built-in file; anything with a slash or a .yaml/.yml ending is a path. */
export function resolveSuiteFile(nameOrFile: string): string {
  if (nameOrFile.includes('/') || nameOrFile.includes(path.sep) || /\.ya?ml$/i.test(nameOrFile)) {
    const file = path.resolve(nameOrFile);
    if (!existsSync(file)) throw new ConfigError(`--suite ${nameOrFile}: no such file`, true);
    return file;
  }
  const file = path.join(BUILT_IN_SUITES_FOLDER, `${nameOrFile}.yaml`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(nameOrFile) || !existsSync(file)) {
    throw new ConfigError(`unknown suite "${nameOrFile}"; built-in suites: ${builtInSuiteNames().join(', ')} (or give a path to a YAML file)`, true);
  }
  return file;
}

/** Parses and validates a suite's YAML text; every problem names the file, line and JSON path. */
export function parseSuite(text: string, file: string): Suite {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    const problems = document.errors.slice(0, 5).map((error) => `  line ${lineCounter.linePos(error.pos[0]).line}: ${error.message.split('\n')[0]}`);
    throw new DataError(`${file}: not valid YAML\n${problems.join('\n')}`, file);
  }
  const value: unknown = document.toJS();
  const result = suiteSchema.safeParse(value);
  if (!result.success) {
    const lineOf = (issuePath: ReadonlyArray<PropertyKey>): string => {
      // The closest node that exists: a missing key is reported at its parent mapping.
      for (let length = issuePath.length; length >= 0; length--) {
        const node = document.getIn(issuePath.slice(0, length) as Array<string | number>, true);
        if (isNode(node) && node.range) return `line ${lineCounter.linePos(node.range[0]).line}, `;
      }
      return '';
    };
    const problems = describeIssues(result.error, value, file);
    const shown = problems.slice(0, 8).map((problem, index) => `  ${lineOf(result.error.issues[index]!.path)}${problem.field}: ${problem.message}`);
    if (problems.length > 8) shown.push(`  ... and ${problems.length - 8} more`);
    throw new DataError(`${file}: invalid suite\n${shown.join('\n')}`, file, problems[0]?.field);
  }
  return { ...result.data, file, hash: hashOf(result.data, 16) };
}

/** A built-in suite by name (`nightly`, `emu2-paper`) or a suite file by path. */
export function loadSuite(nameOrFile: string): Suite {
  const file = resolveSuiteFile(nameOrFile);
  return parseSuite(readFileSync(file, 'utf8'), file);
}

/** The entries to run: all, or those named (`--entries a,b`), in suite order. */
export function selectEntries(suite: Suite, names: readonly string[] | undefined): Suite['entries'] {
  if (!names || names.length === 0) return suite.entries;
  const known = suite.entries.map((entry) => entry.name);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new ConfigError(`--entries: suite ${suite.name} has no entry ${unknown.join(', ')}; its entries: ${known.join(', ')}`, true);
  return suite.entries.filter((entry) => names.includes(entry.name));
}
