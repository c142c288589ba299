import path from 'node:path';
import { packageRoot as repositoryRoot } from './package-root.js';

/**
 * Where derived data lives (built models, frame and embedding caches, HTTP responses):
 * `$EMU_EVAL_CACHE/<kind>` when set, else `<repo>/.cache/<kind>` (gitignored).
 */
export function cacheDirectory(kind: string): string {
  const root = process.env.EMU_EVAL_CACHE ? path.resolve(process.env.EMU_EVAL_CACHE) : path.join(repositoryRoot, '.cache');
  return path.join(root, kind);
}
