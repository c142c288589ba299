import { hashOf } from '../core/hash.js';
import { idSlug } from '../core/slug.js';
import type { Suite } from './suites/suite-schema.js';

// Default names of run directories and suite run folders. Both name the model the same way, so a run and
// a suite of the same served model both say which server they used (`gpu-node-1-8000`, not `v1`).

/** A readable model name for ids: a server's host, a folder's or file's base name. */
export function modelSlug(model: string): string {
  const url = /^[a-z-]+:(https?:\/\/[^,]+)/.exec(model);
  const name = url ? new URL(url[1]!).host : model.replace(/^.*[\\/]/, '');
  return idSlug(name) || 'model';
}

/** `<tasks>-<model>-<config hash>`: the same command (or the merge of its shards) names the same directory. */
export function defaultRunId(tasks: readonly string[], model: string, configHash: string): string {
  return `${tasks.join('+')}-${modelSlug(model)}-${configHash.slice(0, 10)}`;
}

type SuiteIdentity = Pick<Suite, 'name' | 'hash'>;
type SuiteData = string | Record<string, string> | undefined;

function suiteRunHash(suite: SuiteIdentity, model: string, data: SuiteData, entries: readonly { name: string }[]): string {
  return hashOf({ suite: suite.hash, model, data: data ?? null, entries: entries.map((entry) => entry.name) }).slice(0, 10);
}

/** Default suite run folder name: the same suite, model, data and entries resume the same folder. */
export function defaultSuiteRunId(suite: SuiteIdentity, model: string, data: SuiteData, entries: readonly { name: string }[]): string {
  return `${suite.name}-${modelSlug(model)}-${suiteRunHash(suite, model, data, entries)}`;
}

/**
 * The name suite runs had before they named the model like runs: the base name of the whole spec, so a
 * served model gave its URL's last segment (`v1`). Kept only to find and point at those folders.
 */
export function legacySuiteRunId(suite: SuiteIdentity, model: string, data: SuiteData, entries: readonly { name: string }[]): string {
  const legacyModel = idSlug(model.replace(/^.*[\\/]/, '')) || 'model';
  return `${suite.name}-${legacyModel}-${suiteRunHash(suite, model, data, entries)}`;
}
