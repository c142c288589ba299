import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { isSuiteRunFolder, readSuiteManifest } from '../../artifact/suite-manifest.js';
import { defaultSuiteRunId, legacySuiteRunId } from '../run-id.js';
import type { Suite } from './suite-schema.js';

// Suite run folders of served models were once named after the URL's last segment (`nightly-v1-…`); they
// are now named like runs (`nightly-gpu-node-1-8000-…`). Rerunning a suite must not silently start over
// beside an unfinished old folder, nor write into one without saying so: it stops and names both choices.

export interface SuiteRunFolderRequest {
  out: string;
  /** --run-id: an explicit folder name is used as given. */
  runId?: string;
  suite: Pick<Suite, 'name' | 'hash'>;
  model: string;
  data: string | Record<string, string> | undefined;
  entries: readonly { name: string }[];
}

/** The folder a suite command writes to; refuses when only an old-style folder of the same suite run exists. */
export function suiteRunFolder(request: SuiteRunFolderRequest): string {
  const { out, suite, model, data, entries } = request;
  if (request.runId !== undefined) return path.resolve(out, request.runId);
  const runId = defaultSuiteRunId(suite, model, data, entries);
  const folder = path.resolve(out, runId);
  const legacyId = legacySuiteRunId(suite, model, data, entries);
  const legacy = path.resolve(out, legacyId);
  if (existsSync(folder) || legacyId === runId || !isSuiteRunFolder(legacy)) return folder;
  // The hash in both names covers suite, model, data and entries; the manifest confirms the folder is no look-alike.
  const manifest = readSuiteManifest(legacy);
  if (manifest.suite.name !== suite.name || manifest.suite.hash !== suite.hash || manifest.model !== model) return folder;
  throw new ConfigError(
    `${legacy} holds this suite run (suite ${suite.name}, model ${model}, ${manifest.status}) under its old name; suite run ids now name a served model by its host, like run ids. ` +
      `Resume it with --run-id ${legacyId}, or start afresh in ${folder} with --run-id ${runId}`,
  );
}
