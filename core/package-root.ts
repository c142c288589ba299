import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout's root folder (the one holding package.json). The sources run from the checkout (tests,
 * through tsx) and, compiled, from dist/ (the `emu-eval` command): files shipped beside the sources —
 * bundled samples, suites, the tiny-emu builder's own code — and the .cache folder are found from here,
 * never relative to the running module, so both see the same files.
 */
export function findPackageRoot(start: string): string {
  for (let folder = start; ; folder = path.dirname(folder)) {
    if (existsSync(path.join(folder, 'package.json'))) return folder;
    if (path.dirname(folder) === folder) throw new Error(`no package.json in ${start} or any folder above it`);
  }
}

export const packageRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A path inside the checkout, from its root: `sourcePath('tasks', 'samples', 'data')`. */
export function sourcePath(...segments: string[]): string {
  return path.join(packageRoot, ...segments);
}
