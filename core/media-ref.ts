import path from 'node:path';
import { sha256 } from './hash.js';
import type { MediaBytes, MediaFile, MediaRef } from './contracts/task.js';

// What every consumer of a MediaRef asks of it, whichever form it takes: a stable identity to key
// caches and deduplicate images by, and words that say where it came from when it fails.

/** An image carried as bytes, hashed once here so every cache keys it by content. */
export function imageFromBytes(bytes: Uint8Array, origin: MediaBytes['origin']): MediaBytes {
  return { source: 'bytes', kind: 'image', bytes, sha256: sha256(bytes), origin };
}

export function isMediaBytes(ref: MediaRef): ref is MediaBytes {
  return ref.source === 'bytes';
}

export function isMediaFile(ref: MediaRef): ref is MediaFile {
  return ref.source !== 'bytes';
}

/**
 * Identity within one process: the absolute path of a file, `sha256:<hex>` for bytes. Two refs with the
 * same identity are the same image (memos, RICES's image grouping, `data check`'s distinct images).
 */
export function mediaIdentity(ref: MediaRef): string {
  return isMediaBytes(ref) ? `sha256:${ref.sha256}` : ref.path;
}

/**
 * Identity that survives moving the data folder: a file's path relative to its data root, or the content
 * hash of bytes. Goes into persistent keys (prompt hashes, RICES embedding caches).
 */
export function portableMediaIdentity(ref: MediaRef): string {
  return isMediaBytes(ref) ? `sha256:${ref.sha256}` : path.relative(ref.root, ref.path);
}

/** Where the media came from, for error messages: the file's path, or `<dataset file>: row 12, column image`. */
export function mediaOrigin(ref: MediaRef): string {
  return isMediaBytes(ref) ? `${ref.origin.file}: ${ref.origin.field}` : ref.path;
}

/** A short name for messages that show only a file's name: its base name, or the dataset file's with the place inside it. */
export function mediaShortName(ref: MediaRef): string {
  return isMediaBytes(ref) ? `${path.basename(ref.origin.file)}: ${ref.origin.field}` : path.basename(ref.path);
}

/** Where the media came from, as a DataError or a data problem names it: the file, and for bytes the place inside it. */
export function mediaPlace(ref: MediaRef): { file: string; field?: string } {
  return isMediaBytes(ref) ? { file: ref.origin.file, field: ref.origin.field } : { file: ref.path };
}
