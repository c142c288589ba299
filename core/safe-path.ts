import { realpath, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from './errors.js';
import type { MediaFile, MediaRef } from './contracts/task.js';

interface Origin {
  file: string;
  field: string;
}

/**
 * Resolves a file name taken from a dataset file against the data root, refusing anything that could
 * leave it: absolute paths, `..` segments, NUL bytes. Symlinks are checked when the file is read.
 */
export function resolveInside(root: string, name: string, origin: Origin): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new DataError(`${origin.file}: ${origin.field}: expected a file name, found ${JSON.stringify(name)}`, origin.file, origin.field);
  }
  if (name.includes('\0') || path.isAbsolute(name) || /^[a-zA-Z]:[\\/]/.test(name)) {
    throw new DataError(`${origin.file}: ${origin.field}: file name ${JSON.stringify(name)} is absolute; names must be relative to the data root`, origin.file, origin.field);
  }
  if (PARENT_SEGMENT.test(name)) {
    throw new DataError(`${origin.file}: ${origin.field}: file name ${JSON.stringify(name)} contains '..' and could leave the data root`, origin.file, origin.field);
  }
  const absoluteRoot = resolvedRoot(root);
  // A name without '.', '..' or empty segments lies inside the root as written: path.resolve would
  // only join the two (this runs once per sample, 214,354 times for VQAv2 val).
  if (isCleanRelative(name)) return absoluteRoot === '/' ? `/${name}` : `${absoluteRoot}/${name}`;
  const resolved = path.resolve(absoluteRoot, name);
  if (!isInside(absoluteRoot, resolved)) {
    throw new DataError(`${origin.file}: ${origin.field}: ${JSON.stringify(name)} resolves outside the data root ${absoluteRoot}`, origin.file, origin.field);
  }
  return resolved;
}

/** A '..' segment between separators ('/' or '\\') or the name's ends. */
const PARENT_SEGMENT = /(?:^|[\\/])\.\.(?:[\\/]|$)/;

let lastRoot: { root: string; resolved: string } | undefined;

function resolvedRoot(root: string): string {
  if (lastRoot?.root !== root) lastRoot = { root, resolved: path.resolve(root) };
  return lastRoot.resolved;
}

/** POSIX only: a relative name whose segments are all plain names (what path.resolve would leave as is). */
function isCleanRelative(name: string): boolean {
  return path.sep === '/' && name.length > 0 && !name.startsWith('/') && !/(?:^|\/)\.{0,2}(?:\/|$)/.test(name);
}

/**
 * path.relative(root, file), with the common case done by slicing: `file` is the absolute, normalized
 * `root` followed by '/' and a clean relative name (a media path that resolveInside produced).
 */
export function relativeInside(root: string, file: string): string {
  if (file.length > root.length + 1 && file.charCodeAt(root.length) === 0x2f && file.startsWith(root) && resolvedRoot(root) === root && root !== '/') {
    const rest = file.slice(root.length + 1);
    if (isCleanRelative(rest)) return rest;
  }
  return path.relative(root, file);
}

export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

// A data root does not move during a run; resolving it once per root instead of once per image read
// saved 2.5–5% of the harness's CPU at 1,800 requests/s.
const realRoots = new Map<string, Promise<string>>();

function realRoot(root: string): Promise<string> {
  let resolved = realRoots.get(root);
  if (!resolved) {
    resolved = realpath(root);
    resolved.catch(() => realRoots.delete(root));
    realRoots.set(root, resolved);
  }
  return resolved;
}

/**
 * Folders that links inside a data root may point into, from `EMU_EVAL_MEDIA_ROOTS` (separated by
 * the platform's path delimiter, `:` here). A dataset archive could carry a link to ~/.ssh, so links
 * out of the data root are refused unless the user names where theirs lead (`val2014 -> /datasets/coco/val2014`).
 */
export async function trustedLinkTargets(): Promise<string[]> {
  const configured = process.env.EMU_EVAL_MEDIA_ROOTS;
  if (!configured) return [];
  const folders = configured.split(path.delimiter).filter((folder) => folder.length > 0);
  return Promise.all(folders.map((folder) => realRoot(path.resolve(folder)).catch(() => path.resolve(folder))));
}

/** Whether a resolved media path may be read: inside the real data root, or inside a folder the user trusts. */
export async function isReadableMediaPath(realDataRoot: string, realFile: string): Promise<boolean> {
  if (isInside(realDataRoot, realFile)) return true;
  return (await trustedLinkTargets()).some((folder) => isInside(folder, realFile));
}

/** The refusal for a link out of the data root, with the way to allow it. */
export function linkOutsideMessage(file: string, realFile: string, realDataRoot: string): string {
  return `${file} is a link to ${realFile}, outside the data root ${realDataRoot}; if you made that link, allow its target with EMU_EVAL_MEDIA_ROOTS=${path.dirname(realFile)}`;
}

/** Resolves symlinks and checks the real file still lies inside the real data root (or a trusted folder). */
export async function realPathInside(ref: MediaFile): Promise<string> {
  const [resolvedRoot, realFile] = await Promise.all([realRoot(ref.root), realpath(ref.path)]).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new DataError(`media file not found: ${ref.path}`, ref.path);
    throw new DataError(`cannot read media file ${ref.path}: ${error.message}`, ref.path);
  });
  if (!(await isReadableMediaPath(resolvedRoot, realFile))) throw new DataError(`media file ${linkOutsideMessage(ref.path, realFile, resolvedRoot)}`, ref.path);
  return realFile;
}

/** A media file's bytes, read after the containment check; inline bytes as they are (a view, not a copy). */
export async function readMedia(ref: MediaRef): Promise<Buffer> {
  if (ref.source === 'bytes') return Buffer.from(ref.bytes.buffer, ref.bytes.byteOffset, ref.bytes.byteLength);
  return readFile(await realPathInside(ref));
}
