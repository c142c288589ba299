import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { packageRoot } from '../core/package-root.js';
import { readGitHead } from './git-head.js';

export { packageRoot };

const RECORDED_PACKAGES = ['onnxruntime-node', 'sharp', '@huggingface/tokenizers', '@huggingface/jinja', 'zod'];

function packageVersion(name: string): string | undefined {
  // Packages with an `exports` map hide their package.json from require.resolve: resolve the entry
  // point, then walk up to the folder named after the package.
  try {
    const require = createRequire(path.join(packageRoot, 'package.json'));
    let folder = path.dirname(require.resolve(name));
    while (!folder.endsWith(path.join('node_modules', name)) && path.dirname(folder) !== folder) folder = path.dirname(folder);
    return (JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

export function emuEvalVersion(): string {
  return (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

function gitCommit(): string | undefined {
  // Read from the .git files; git itself only for a layout they do not cover.
  const read = readGitHead(packageRoot);
  if (read) return read;
  const result = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: packageRoot, encoding: 'utf8', timeout: 2000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** What produced a run: versions that change numbers when they change. */
export function describeEnvironment() {
  const packages: Record<string, string> = {};
  for (const name of RECORDED_PACKAGES) {
    const version = packageVersion(name);
    if (version) packages[name] = version;
  }
  const commit = gitCommit();
  return {
    emuEval: emuEvalVersion(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    packages,
    ...(commit ? { gitCommit: commit } : {}),
  };
}
