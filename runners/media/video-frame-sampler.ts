import { rm } from 'node:fs/promises';
import { errorMessage } from '../../core/errors.js';
import { realPathInside } from '../../core/safe-path.js';
import type { MediaFile, MediaRef } from '../../core/contracts/task.js';
import { DecodeQueue, defaultDecoderCount } from './decode-queue.js';
import { extractFrames } from './extract-frames.js';
import type { VideoProbe } from './ffprobe.js';
import { probeVideo } from './probe-video.js';
import { contentHash, FrameCache, type VideoSummary } from './frame-cache.js';
import { sampleFrameIndices, type FrameSampler } from './frame-samplers.js';
import { sampleFramesFolder } from './frames-folder.js';

// video file or frames folder → the sampled frames as cached JPEGs. On a cache hit nothing is
// spawned: the content hash finds the stored frame count, the sampler gives the positions, and the
// frames are already on disk. Only a miss takes a decoder slot from the queue.

export interface FrameSamplingSettings {
  frames: number;
  sampler: FrameSampler;
  /** Frames are resized to imageSize × imageSize, the runner's input size. */
  imageSize: number;
}

export interface VideoFrameSampler {
  /** `frames` image refs (repeats allowed) for one video or frames-folder ref, in temporal order. */
  sample(ref: MediaRef, settings: FrameSamplingSettings, signal?: AbortSignal): Promise<MediaRef[]>;
  readonly cache: FrameCache;
  readonly queue: DecodeQueue;
}

export function createVideoFrameSampler(options: { cache?: FrameCache; queue?: DecodeQueue } = {}): VideoFrameSampler {
  const cache = options.cache ?? new FrameCache();
  const queue = options.queue ?? new DecodeQueue(defaultDecoderCount());

  async function sampleVideo(ref: MediaFile, settings: FrameSamplingSettings, signal?: AbortSignal): Promise<MediaRef[]> {
    const file = await realPathInside(ref);
    const hash = await contentHash(file);
    const framesOf = (positions: number[]) => positions.map((position): MediaRef => ({ kind: 'image', path: cache.framePath(hash, settings.imageSize, position), root: cache.root }));
    const known = await cache.readSummary(hash);
    if (known) {
      const positions = sampleFrameIndices(settings.sampler, known.frameCount, settings.frames);
      if ((await cache.missingPositions(hash, settings.imageSize, distinctAscending(positions))).length === 0) return framesOf(positions);
    }
    // A miss takes one decoder slot for the whole job (index read, then extraction), and questions
    // about the same video with the same settings wait for that one job.
    const positions = await queue.run(`${hash}\0${settings.imageSize}\0${settings.sampler}\0${settings.frames}`, async () => {
      let probe: VideoProbe | undefined;
      let summary = await cache.readSummary(hash);
      if (!summary) {
        probe = await probeVideo(file, signal);
        summary = { frameCount: probe.frameCount, codec: probe.codec, width: probe.width, height: probe.height } satisfies VideoSummary;
        await cache.writeSummary(hash, summary);
      }
      const sampled = sampleFrameIndices(settings.sampler, summary.frameCount, settings.frames);
      const missing = await cache.missingPositions(hash, settings.imageSize, distinctAscending(sampled));
      if (missing.length === 0) return sampled;
      probe ??= await probeVideo(file, signal);
      const staging = await cache.stagingFolder();
      try {
        const { files } = await extractFrames({ file, positions: missing, size: settings.imageSize, outputFolder: staging, signal }, probe);
        if (files.length !== missing.length) {
          throw new Error(`the decoder produced ${files.length} of the ${missing.length} frames asked for (positions ${missing.join(', ')} of ${summary.frameCount}); the file may be truncated`);
        }
        await cache.storeFrames(hash, settings.imageSize, missing, files);
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
      return sampled;
    });
    return framesOf(positions);
  }

  return {
    cache,
    queue,
    async sample(ref, settings, signal) {
      validate(settings);
      // An image, as a file or as inline bytes, is its own single frame.
      if (ref.kind === 'image') return [ref];
      try {
        if (ref.kind === 'frames') return await queue.run(`folder\0${ref.path}\0${JSON.stringify(settings)}`, () => sampleFramesFolder(ref, settings, cache));
        return await sampleVideo(ref, settings, signal);
      } catch (error) {
        if ((error as Error).name === 'AbortError') throw error;
        throw new Error(`cannot sample frames from ${ref.kind === 'frames' ? 'frames folder' : 'video'} ${ref.path}: ${errorMessage(error)}`, { cause: error });
      }
    },
  };
}

function distinctAscending(positions: readonly number[]): number[] {
  return [...new Set(positions)].sort((a, b) => a - b);
}

function validate(settings: FrameSamplingSettings): void {
  if (!Number.isInteger(settings.frames) || settings.frames < 1) throw new RangeError(`--frames must be a positive integer, got ${settings.frames}`);
  if (!Number.isInteger(settings.imageSize) || settings.imageSize < 1) throw new RangeError(`frame size must be a positive integer, got ${settings.imageSize}`);
}
