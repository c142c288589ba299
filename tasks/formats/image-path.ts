import path from 'node:path';
import { resolveInside } from '../../core/safe-path.js';
import type { MediaRef } from '../../core/contracts/task.js';
import type { ProblemSink } from './problem-sink.js';

/**
 * Resolves an image name taken from a dataset file inside its image folder, refusing names that
 * could leave it (`..`, absolute paths). Checking against the folder, not just the data root, keeps
 * `/etc/passwd` from becoming `val//etc/passwd`. Returns undefined when the sink collected a problem.
 */
export function imageInside(sink: ProblemSink, dataDir: string, imageFolder: string, name: string, origin: { file: string; field: string }): MediaRef | undefined {
  const imagePath = sink.attempt(() => resolveInside(path.join(dataDir, imageFolder), name, origin), origin.file);
  return imagePath === undefined ? undefined : { kind: 'image', path: imagePath, root: dataDir };
}
