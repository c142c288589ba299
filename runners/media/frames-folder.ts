import { createHash } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeImage, openImage } from '../../core/image-header.js';
import { realPathInside } from '../../core/safe-path.js';
import type { MediaFile, MediaRef } from '../../core/contracts/task.js';
import type { FrameCache } from './frame-cache.js';
import { sampleFrameIndices, type FrameSampler } from './frame-samplers.js';
import { VideoDecodeError } from '../../core/media-tools.js';

// Some datasets ship (or users keep) videos as folders of pre-extracted frames. Such a folder is
// a video whose frame i is its i-th image in natural name order (frame_2 before frame_10); the same
// samplers pick from it, and the picked images are resized into the same cache as decoded frames.

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp']);
const naturalOrder = new Intl.Collator('en', { numeric: true, sensitivity: 'base' }).compare;

export async function listFrameImages(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory() && IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase()))
    .map((entry) => entry.name)
    .sort(naturalOrder);
}

export interface FolderSamplingSettings {
  frames: number;
  sampler: FrameSampler;
  imageSize: number;
}

/** The sampled frames of a frames folder, resized and cached; each returned ref lies inside the cache. */
export async function sampleFramesFolder(ref: MediaFile, settings: FolderSamplingSettings, cache: FrameCache): Promise<MediaRef[]> {
  const folder = await realPathInside(ref);
  const names = await listFrameImages(folder).catch((error: NodeJS.ErrnoException) => {
    throw new VideoDecodeError(error.code === 'ENOTDIR' ? 'expected a folder of frame images' : `cannot list the frames folder: ${error.message}`);
  });
  if (names.length === 0) throw new VideoDecodeError(`no frame images (${[...IMAGE_EXTENSIONS].join(', ')}) in the frames folder`);
  const positions = sampleFrameIndices(settings.sampler, names.length, settings.frames);
  const distinct = [...new Set(positions)].sort((a, b) => a - b);
  // Each picked image is checked on its own: a link inside the folder could still point outside the data root.
  const sources = await Promise.all(distinct.map((position) => realPathInside({ kind: 'image', path: path.join(folder, names[position]!), root: ref.root })));
  const contents = await Promise.all(sources.map((source) => readFile(source)));
  // The key covers the frame count (which decides the positions) and the bytes of every picked image.
  const digest = createHash('sha256').update(`frames-folder\0${names.length}\0`);
  distinct.forEach((position, index) => digest.update(`${position}\0${contents[index]!.length}\0`).update(contents[index]!));
  const hash = digest.digest('hex');

  const missing = await cache.missingPositions(hash, settings.imageSize, distinct);
  if (missing.length > 0) {
    const staging = await cache.stagingFolder();
    try {
      const files = await Promise.all(
        missing.map(async (position) => {
          const bytes = contents[distinct.indexOf(position)]!;
          const file = path.join(staging, `${position}.jpg`);
          const resized = await decodeImage(() =>
            openImage(bytes, 'warning').resize(settings.imageSize, settings.imageSize, { fit: 'fill', kernel: 'cubic' }).jpeg({ quality: 95 }).toBuffer(),
          ).catch((error: Error) => {
              throw new VideoDecodeError(`cannot decode frame image ${names[position]}: ${error.message}`);
            });
          await writeFile(file, resized);
          return file;
        }),
      );
      await cache.storeFrames(hash, settings.imageSize, missing, files);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
  return positions.map((position) => ({ kind: 'image', path: cache.framePath(hash, settings.imageSize, position), root: cache.root }));
}
