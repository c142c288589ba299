import type { VideoProbe } from './ffprobe.js';

// Exact frames from a compressed video can only be decoded starting at a keyframe. Decoding all
// frames costs N decodes; seeking costs, per target, the frames from its keyframe up to it. This
// plans the cheaper of the two: targets sharing a stretch of frames are decoded in one run, and a
// new seek is made only where it skips enough frames to pay for reopening the file.

export interface SeekSegment {
  /** Position (in presentation order) of the keyframe decoding starts from. */
  keyframe: number;
  /** The target positions decoded in this run, ascending. */
  targets: number[];
}

/** Reopening the file at a keyframe costs about as much as decoding this many small frames. */
export const FRAMES_WORTH_A_SEEK = 8;

/** Seeking pays only when it decodes clearly fewer frames than one linear pass up to the last target. */
const MOST_WORK_FOR_SEEKING = 0.75;

/**
 * Segments for the given distinct ascending target positions, or undefined when a linear pass from
 * the first frame is as cheap (long keyframe intervals, targets everywhere) or the probe has no
 * timestamps or keyframes to seek by.
 */
export function planSeekSegments(probe: VideoProbe, targets: readonly number[]): SeekSegment[] | undefined {
  if (!probe.frameTicks || probe.keyframes.length === 0 || targets.length === 0) return undefined;
  const segments: SeekSegment[] = [];
  for (const target of targets) {
    const keyframe = keyframeAtOrBefore(probe.keyframes, target);
    if (keyframe === undefined) return undefined;
    const current = segments.at(-1);
    const previousTarget = current?.targets.at(-1);
    if (current && previousTarget !== undefined && keyframe - previousTarget - 1 < FRAMES_WORTH_A_SEEK) current.targets.push(target);
    else segments.push({ keyframe, targets: [target] });
  }
  const lastTarget = targets[targets.length - 1]!;
  const work = segments.reduce((sum, segment) => sum + segment.targets.at(-1)! - segment.keyframe + 1 + FRAMES_WORTH_A_SEEK, 0);
  return work <= MOST_WORK_FOR_SEEKING * (lastTarget + 1) ? segments : undefined;
}

/** Frames a plan decodes (the figure seeking saves against a linear pass). */
export function framesDecoded(segments: readonly SeekSegment[]): number {
  return segments.reduce((sum, segment) => sum + segment.targets.at(-1)! - segment.keyframe + 1, 0);
}

function keyframeAtOrBefore(keyframes: readonly number[], position: number): number | undefined {
  let low = 0;
  let high = keyframes.length - 1;
  let found: number | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (keyframes[middle]! <= position) {
      found = keyframes[middle];
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}
