import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../core/atomic-file.js';
import { readValidatedJson } from '../core/validation.js';

// A suite run is a folder holding one run directory per suite entry (named by the entry) and this
// manifest, which says which suite and model produced them. `compare` and `nightly` read it to pair
// the entries of two suite runs by name.

export const SUITE_MANIFEST_FILE = 'suite.json';
export const SUITE_MANIFEST_VERSION = 1;

export const suiteManifestSchema = z.strictObject({
  schemaVersion: z.literal(SUITE_MANIFEST_VERSION),
  suite: z.strictObject({ name: z.string(), file: z.string(), hash: z.string() }),
  model: z.string(),
  status: z.enum(['running', 'finished', 'failed', 'interrupted']),
  entries: z.array(
    z.strictObject({
      name: z.string(),
      /** Relative to the suite run folder. */
      runDirectory: z.string(),
      status: z.enum(['pending', 'running', 'finished', 'failed', 'interrupted']),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
  error: z.string().optional(),
});

export type SuiteManifest = z.infer<typeof suiteManifestSchema>;

export function isSuiteRunFolder(folder: string): boolean {
  return existsSync(path.join(folder, SUITE_MANIFEST_FILE));
}

export function readSuiteManifest(folder: string): SuiteManifest {
  return readValidatedJson(suiteManifestSchema, path.join(folder, SUITE_MANIFEST_FILE));
}

export function writeSuiteManifest(folder: string, manifest: SuiteManifest): void {
  writeJsonAtomic(path.join(folder, SUITE_MANIFEST_FILE), { ...manifest, updatedAt: new Date().toISOString() });
}
