import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { resolveInside } from '../../core/safe-path.js';
import type { MediaRef } from '../../core/contracts/task.js';
import type { ProblemSink } from './problem-sink.js';

// Video datasets are unpacked in more than one way: MSR-VTT's TestVideo/ and TrainValVideo/ zips,
// everything flattened into videos/, re-encoded .mp4 next to original .avi/.webm, or frames already
// extracted into frames/<video>/. A task names the folders and extensions it accepts; the locator
// lists each folder once (not one stat per question: MSVD asks ~25 questions per clip) and returns
// the first match. Names come from annotation files, so each is confined to its folder first.

export interface VideoLayout {
  /** Folders (relative to the data root, '' = the root) searched in order. */
  folders: readonly string[];
  /** Extensions in order of preference, with the dot. */
  extensions: readonly string[];
  /** Folder of pre-extracted frames, one subfolder per video named like the video file without extension. */
  framesFolder: string;
}

export const VIDEO_EXTENSIONS = ['.mp4', '.avi', '.mkv', '.webm'] as const;

type EntryKind = 'file' | 'folder' | 'link';

export class VideoLocator {
  private constructor(
    private readonly dataDir: string,
    private readonly layout: VideoLayout,
    private readonly listings: Map<string, Map<string, EntryKind>>,
  ) {}

  /** Lists the layout's folders (absent ones are simply empty). */
  static async open(dataDir: string, layout: VideoLayout): Promise<VideoLocator> {
    const listings = new Map<string, Map<string, EntryKind>>();
    for (const folder of [...layout.folders, layout.framesFolder]) {
      if (listings.has(folder)) continue;
      const entries = await readdir(path.join(dataDir, folder), { withFileTypes: true }).catch(() => []);
      listings.set(folder, new Map(entries.map((entry) => [entry.name, entry.isSymbolicLink() ? 'link' : entry.isDirectory() ? 'folder' : 'file'] as const)));
    }
    return new VideoLocator(dataDir, layout, listings);
  }

  /**
   * The video file (or frames folder) for a name taken from an annotation file, such as `video7010`
   * or `v_QOlSCBRmfWY`. A name that could leave its folder is reported to the sink (undefined is
   * returned); a video found nowhere resolves to where it is expected, so `data check` and the
   * run's error sample can say which file is missing.
   */
  locate(stem: string, sink: ProblemSink, origin: { file: string; field: string }): MediaRef | undefined {
    if (/[\\/\0]/.test(stem) || stem === '.' || stem === '..') {
      sink.report({ ...origin, message: `video name ${JSON.stringify(stem)} is not a plain file name (it could leave the video folder)` });
      return undefined;
    }
    const confined = sink.attempt(() => resolveInside(path.join(this.dataDir, this.layout.folders[0] ?? ''), `${stem}${this.layout.extensions[0]}`, origin), origin.file);
    if (confined === undefined) return undefined;
    for (const folder of this.layout.folders) {
      const listing = this.listings.get(folder)!;
      for (const extension of this.layout.extensions) {
        const kind = listing.get(`${stem}${extension}`);
        if (kind === 'file' || kind === 'link') return { kind: 'video', path: path.join(this.dataDir, folder, `${stem}${extension}`), root: this.dataDir };
      }
    }
    const frames = this.listings.get(this.layout.framesFolder)!.get(stem);
    if (frames === 'folder' || frames === 'link') return { kind: 'frames', path: path.join(this.dataDir, this.layout.framesFolder, stem), root: this.dataDir };
    return { kind: 'video', path: confined, root: this.dataDir };
  }
}
