import assert from 'node:assert/strict';
import type { MediaFile, MediaRef } from '../../core/contracts/task.js';

/** The ref as a file, failing the test when it carries inline bytes (tasks read from official files give files). */
export function asFile(ref: MediaRef | undefined): MediaFile {
  assert.ok(ref, 'expected a media ref');
  assert.notEqual(ref.source, 'bytes', 'expected a media file, got inline bytes');
  return ref as MediaFile;
}
