import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { writeFileAtomic } from '../../core/atomic-file.js';
import { cacheDirectory } from '../../core/cache-directory.js';
import { dataCacheEnabled, fileIdentity, sameFileIdentity, settled, type FileIdentity } from './file-identity.js';
import type { JoinWorkerInput, SampleBatch } from './vqa-join-protocol.js';

// A prepared split: the batches the join worker (vqa-join-worker.ts) sent for a VQA-format split, kept
// so that reading the same unchanged split again replays them instead of parsing 170 MB of JSON
// (VQAv2 val) again. Users re-score many prediction files against the same data.
//
// An entry is keyed by everything that shapes a batch: the format of what the join sends, V8's
// serialization format, the split's fields, and both files as they are on disk — real path, device,
// inode, size, modification and status-change times — the rule make and rsync use to decide a file
// is unchanged (file-digest-cache.ts keys remembered digests the same way). Writing a file changes its
// times, so the entry is missed and the split parsed again; hashing 170 MB to key it would cost a
// first read ~0.2 s and save nothing, since a remembered digest is itself found by these fields. (The
// run's data fingerprint in run.json still hashes the files' contents at every run.) An entry is
// written once a whole split was read, to a temp file renamed into place: a read stopped early, or a
// failed one, leaves nothing.
//
// Layout: MAGIC (8 bytes), the format version (u32 LE), the batch count (u32 LE), the SHA-256 of the
// rest (32 bytes); then per batch its v8.serialize()d length (u32 LE) and bytes.

/** Bump when what the join sends in a SampleBatch changes (fields, their meaning, the problems' text or order). */
export const PREPARED_SPLIT_FORMAT = 1;

/** Entries kept; writing one deletes the least recently used beyond this. */
export const PREPARED_SPLITS_KEPT = 8;

const MAGIC = Buffer.from('EMUSPLIT', 'latin1');
const HEADER_BYTES = MAGIC.length + 4 + 4 + 32;
const ENTRY_NAME = /^[0-9a-f]{64}\.split$/;
/** A temp file this old was left by a process killed while writing: nobody will rename it. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/** The fields of a join that shape its batches (not expectedAnnotations, which only sizes a table). */
export type PreparedSplitFields = Pick<JoinWorkerInput, 'dataDir' | 'questionsFile' | 'annotationsFile' | 'schema' | 'imageFolder' | 'imagePrefix' | 'samplesPerBatch'>;

/** False when EMU_EVAL_DATA_CACHE=off: entries are neither read nor written. */
export function preparedSplitCacheEnabled(): boolean {
  return dataCacheEnabled();
}

export function preparedSplitDirectory(): string {
  return cacheDirectory('prepared-splits');
}

function entryPath(fields: PreparedSplitFields, identities: readonly FileIdentity[]): string {
  const { dataDir, questionsFile, annotationsFile, schema, imageFolder, imagePrefix, samplesPerBatch } = fields;
  const key = createHash('sha256')
    .update(JSON.stringify([PREPARED_SPLIT_FORMAT, process.versions.v8, dataDir, questionsFile, annotationsFile, schema, imageFolder, imagePrefix ?? null, samplesPerBatch, identities]))
    .digest('hex');
  return path.join(preparedSplitDirectory(), `${key}.split`);
}

/**
 * The serialized batches of the split's entry, or undefined: the cache is off, there is no entry for the
 * files as they are now, or it is unreadable, truncated or corrupt (then the split is read from its
 * files and the entry written again). A used entry is touched.
 */
export async function preparedBatches(fields: PreparedSplitFields): Promise<Buffer[] | undefined> {
  if (!preparedSplitCacheEnabled()) return undefined;
  try {
    const file = entryPath(fields, [fileIdentity(fields.questionsFile), fileIdentity(fields.annotationsFile)]);
    const batches = parseEntry(readFileSync(file));
    if (batches) touch(file);
    return batches;
  } catch {
    return undefined;
  }
}

/** Marks an entry as used now, for pruning; an entry in a read-only cache folder is used all the same. */
function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // Pruned first when the folder becomes writable again.
  }
}

/** The batches of an entry's bytes; undefined unless the header, the checksum and every length agree. */
export function parseEntry(bytes: Buffer): Buffer[] | undefined {
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  if (bytes.readUInt32LE(MAGIC.length) !== PREPARED_SPLIT_FORMAT) return undefined;
  const count = bytes.readUInt32LE(MAGIC.length + 4);
  const checksum = bytes.subarray(MAGIC.length + 8, HEADER_BYTES);
  if (!createHash('sha256').update(bytes.subarray(HEADER_BYTES)).digest().equals(checksum)) return undefined;
  const batches: Buffer[] = [];
  let at = HEADER_BYTES;
  while (at + 4 <= bytes.length && batches.length < count) {
    const length = bytes.readUInt32LE(at);
    at += 4;
    if (at + length > bytes.length) return undefined;
    batches.push(bytes.subarray(at, at + length));
    at += length;
  }
  return batches.length === count && at === bytes.length ? batches : undefined;
}

/**
 * One batch of an entry, ready to post. v8.deserialize makes its typed arrays views into the entry's
 * bytes, and posting a view copies the whole buffer under it (the entry: 22 MB per batch for VQAv2
 * val), so they get buffers of their own.
 */
export function deserializeBatch(bytes: Buffer): SampleBatch {
  const batch = deserialize(bytes) as SampleBatch;
  batch.numbers = batch.numbers.slice();
  batch.stringRefs = batch.stringRefs.slice();
  return batch;
}


/**
 * Records the batches of a split read from its files and stores them as its entry once the whole split
 * was read. Start it before reading: a file whose size, modification time or inode changed between the
 * start and the end of the read stores nothing.
 */
export class PreparedSplitRecorder {
  private readonly records: Buffer[] = [];

  private constructor(
    private readonly fields: PreparedSplitFields,
    private readonly identities: [FileIdentity, FileIdentity],
  ) {}

  /** A recorder for the split, or undefined when the cache is off (or a file cannot be examined: nothing to key an entry by). */
  static start(fields: PreparedSplitFields): PreparedSplitRecorder | undefined {
    if (!preparedSplitCacheEnabled()) return undefined;
    try {
      return new PreparedSplitRecorder(fields, [fileIdentity(fields.questionsFile), fileIdentity(fields.annotationsFile)]);
    } catch {
      return undefined;
    }
  }

  add(batch: SampleBatch): void {
    const bytes = serialize(batch);
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32LE(bytes.length);
    this.records.push(length, bytes);
  }

  /** Stores the entry; best effort: any failure stores nothing. */
  async store(): Promise<void> {
    try {
      const { questionsFile, annotationsFile } = this.fields;
      if (!sameFileIdentity(this.identities[0], fileIdentity(questionsFile)) || !sameFileIdentity(this.identities[1], fileIdentity(annotationsFile))) return;
      // A file modified just now could change again without changing its identity: read it again next time.
      if (!this.identities.every((identity) => settled(identity))) return;
      const file = entryPath(this.fields, this.identities);
      const checksum = createHash('sha256');
      for (const record of this.records) checksum.update(record);
      const header = Buffer.alloc(HEADER_BYTES);
      MAGIC.copy(header);
      header.writeUInt32LE(PREPARED_SPLIT_FORMAT, MAGIC.length);
      header.writeUInt32LE(this.records.length / 2, MAGIC.length + 4);
      checksum.digest().copy(header, MAGIC.length + 8);
      mkdirSync(path.dirname(file), { recursive: true });
      // A cache entry needs no fsync: one cut short by a crash fails its checksum and is written again.
      writeFileAtomic(file, [header, ...this.records], { durable: false });
      pruneEntries(path.dirname(file));
    } catch {
      // A full disk or a read-only cache folder: the next read parses the files again.
    } finally {
      this.records.length = 0;
    }
  }
}

/** Deletes the least recently used entries beyond PREPARED_SPLITS_KEPT, and temp files left by killed processes. */
function pruneEntries(directory: string): void {
  const entries: Array<{ file: string; mtimeMs: number }> = [];
  for (const name of readdirSync(directory)) {
    const file = path.join(directory, name);
    try {
      const { mtimeMs } = statSync(file);
      if (ENTRY_NAME.test(name)) entries.push({ file, mtimeMs });
      else if (name.endsWith('.tmp') && Date.now() - mtimeMs > STALE_TEMP_MS) rmSync(file, { force: true });
    } catch {
      // Deleted meanwhile by another process.
    }
  }
  entries.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { file } of entries.slice(PREPARED_SPLITS_KEPT)) rmSync(file, { force: true });
}
