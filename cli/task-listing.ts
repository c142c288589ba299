import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot, sourcePath } from '../core/package-root.js';

// `emu-eval tasks` without --data lists the bundled samples, whose counts only change when the samples or
// the task code change. Counting them means loading every task adapter with its readers and schemas and
// reading every sample file: most of the command's start-up. The build (`npm run build`, which `npm ci`
// runs) writes the listing once, with a fingerprint of the files it was made from; the command prints
// it while the fingerprint still matches, and counts afresh otherwise. This module stays light: node
// built-ins only.

/** One task as `emu-eval tasks` shows it (its --json rows, in this key order). */
export interface TaskRow {
  id: string;
  version: number;
  modality: string;
  metric: string;
  defaultSplit: string;
  description: string;
  data: { source: 'user' | 'bundled-sample'; dir: string; found: boolean };
  splits: Array<{ name: string; hasAnswers: boolean; samples: number | null }>;
}

interface TaskListing {
  fingerprint: string;
  rows: TaskRow[];
}

/** Where the build writes the listing: beside the compiled code (dist/); from sources, there is none. */
export const taskListingFile = fileURLToPath(new URL('../task-listing.json', import.meta.url));

/** The folders a listing is made from: the task code that runs (compiled or source) and the bundled samples. */
export function taskListingInputs(): string[] {
  return [fileURLToPath(new URL('../tasks/', import.meta.url)), sourcePath('tasks', 'samples', 'data')];
}

/**
 * Every file under the given folders by relative path, size and modification time, and the checkout's
 * root (the rows name data folders by absolute path), hashed: any edit, addition or removal changes it.
 */
export function listingFingerprint(folders: readonly string[]): string {
  const hash = createHash('sha256').update(`${packageRoot}\n`);
  const walk = (folder: string, relative: string) => {
    const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const name = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path.join(folder, entry.name), name);
      else {
        const stats = statSync(path.join(folder, entry.name));
        hash.update(`${name}\t${stats.size}\t${stats.mtimeMs}\n`);
      }
    }
  };
  for (const folder of folders) {
    hash.update(`${folder}\n`);
    walk(folder, '');
  }
  return hash.digest('hex');
}

export function writeTaskListing(file: string, folders: readonly string[], rows: readonly TaskRow[]): void {
  const listing: TaskListing = { fingerprint: listingFingerprint(folders), rows: [...rows] };
  writeFileSync(file, `${JSON.stringify(listing)}\n`);
}

/**
 * The rows of the listing in `file` when it was made from the folders as they are now; undefined when
 * there is no listing, it is unreadable, or anything it was made from changed since (then count afresh).
 */
export function readTaskListing(file: string, folders: readonly string[]): TaskRow[] | undefined {
  let listing: Partial<TaskListing>;
  try {
    listing = JSON.parse(readFileSync(file, 'utf8')) as Partial<TaskListing>;
    if (typeof listing.fingerprint !== 'string' || !Array.isArray(listing.rows)) return undefined;
    if (listing.fingerprint !== listingFingerprint(folders)) return undefined;
  } catch {
    return undefined;
  }
  return listing.rows;
}
