import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TaskAdapter } from '../core/contracts/task.js';
import { writeFileAtomic } from '../core/atomic-file.js';
import { cacheDirectory } from '../core/cache-directory.js';
import { sha256 } from '../core/hash.js';
import { cachedFileDigest } from './formats/file-digest-cache.js';
import { dataCacheEnabled, fileIdentity, sameFileIdentity, settled, type FileIdentity } from './formats/file-identity.js';
import { splitSource } from './formats/split-source.js';
import { hashParts, type HashPart } from './fingerprint-parts.js';

export interface FingerprintOptions {
  /** Files to hash of at least this many bytes in all are hashed in a worker thread (tests lower it). */
  workerMinBytes?: number;
}

/**
 * Below this a worker thread's start costs more than it frees: VQAv2 val's 170 MB take ~0.15 s of
 * hashing, which the worker takes off the main thread while it reads the predictions of a replay.
 */
const FINGERPRINT_WORKER_MIN_BYTES = 8 << 20;

/**
 * Content hash of the files a split reads (questions, annotations), so two runs on different data can
 * never be compared or resumed into each other by accident. Media files are not hashed: there can be
 * hundreds of thousands; their names are part of the annotation files already. Images stored inside the
 * split files (Parquet datasets carry them as bytes) are hashed with those files.
 */
export async function dataFingerprint(task: TaskAdapter, dataDir: string, split: string, options: FingerprintOptions = {}): Promise<string> {
  const splitInfo = task.splits.find((candidate) => candidate.name === split);
  // The files the run reads: the official ones, or the Parquet snapshot found instead.
  const source = splitInfo ? await splitSource(splitInfo, dataDir) : undefined;
  const parts: HashPart[] = [];
  let fileBytes = 0;
  for (const file of source?.files ?? []) {
    const absolute = path.join(dataDir, file);
    parts.push({ text: `${file}\0` });
    if (!existsSync(absolute)) {
      parts.push({ text: 'missing\0' });
      continue;
    }
    // A snapshot's files (gigabytes of images) by their remembered digests; official files as they always were.
    if (source!.format === 'parquet') {
      parts.push({ text: `sha256:${await cachedFileDigest(absolute)}\0` });
    } else {
      parts.push({ file: absolute });
      fileBytes += statSync(absolute).size;
    }
  }
  const hashedFiles = parts.flatMap((part) => ('file' in part ? [part.file] : []));
  if (hashedFiles.length === 0) return hashParts(parts);
  return rememberedFingerprint(parts, hashedFiles, () => (fileBytes >= (options.workerMinBytes ?? FINGERPRINT_WORKER_MIN_BYTES) ? hashInWorker(parts) : Promise.resolve(hashParts(parts))));
}

/** Increase when what a fingerprint hashes changes: remembered ones from before are then not used. */
const REMEMBERED_FORMAT = 1;
const FINGERPRINT = /^[0-9a-f]{16}$/;

/**
 * The fingerprint remembered for these files as they are on disk now (file-identity.ts), else computed
 * — hashing VQAv2 val's 170 MB takes ~0.15 s of CPU at every run's start, beside the predictions and the
 * reader thread on a 2-core machine — and remembered when every file has settled. EMU_EVAL_DATA_CACHE=off
 * computes it every time.
 */
async function rememberedFingerprint(parts: readonly HashPart[], files: readonly string[], compute: () => Promise<string>): Promise<string> {
  if (!dataCacheEnabled()) return compute();
  let identities: FileIdentity[];
  try {
    identities = files.map(fileIdentity);
  } catch {
    return compute();
  }
  const key = sha256(JSON.stringify([REMEMBERED_FORMAT, parts.map((part) => ('text' in part ? part.text : identities[files.indexOf(part.file)]))]));
  const entry = path.join(cacheDirectory('fingerprints'), key.slice(0, 2), key);
  try {
    const known = readFileSync(entry, 'utf8');
    if (FINGERPRINT.test(known)) return known;
  } catch {
    // Not remembered yet (or unreadable): computed below.
  }
  const fingerprint = await compute();
  try {
    const now = Date.now();
    // Only files unchanged during the hashing and settled (file-identity.ts) are remembered.
    if (files.every((file, index) => settled(identities[index]!, now) && sameFileIdentity(identities[index]!, fileIdentity(file)))) {
      mkdirSync(path.dirname(entry), { recursive: true });
      writeFileAtomic(entry, fingerprint, { durable: false });
    }
  } catch {
    // A read-only or full cache folder: computed again next time.
  }
  return fingerprint;
}

// From the TypeScript sources (tests) the worker starts through an entry that registers tsx.
const WORKER_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './fingerprint-worker-entry.js' : './fingerprint-worker.js', import.meta.url);

function hashInWorker(parts: HashPart[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_ENTRY, { workerData: { parts }, execArgv: [] });
    worker.once('message', (digest: string) => resolve(digest));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the fingerprint thread stopped (exit code ${code}) before hashing ${parts.length} parts`)));
  });
}
