import { open, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileArgument, ticksToSeconds, type VideoProbe } from './ffprobe.js';
import { h264AnnexB, isH264Track, planH264Stretches } from './h264-stream.js';
import { runMediaTool, VideoDecodeError } from '../../core/media-tools.js';
import { planSeekSegments, type SeekSegment } from './seek-plan.js';

// Frames come out of one ffmpeg process per video. H.264 in MP4 (most video QA data) is read here
// packet by packet and only the packets the targets need reach the decoder (h264-stream.ts): no
// file reopening per seek, no non-reference frames. Elsewhere the concat demuxer, given the same file
// once per segment with an `inpoint` at a keyframe, reopens it there, so one decoder decodes only
// keyframe→target stretches (spawning ffmpeg costs ~0.25 s here, so one process per frame would
// cost more than it saves). Frames are picked by timestamp, which survives B-frame reordering and
// open GOPs. When seeking can't beat a linear pass, or a container seeks inexactly, frames are
// picked by decode order instead (`select` on n), stopping after the last one needed.

export interface FrameExtraction {
  /** Real path of the video file (already checked to lie inside its data root). */
  file: string;
  /** Frame positions in presentation order: distinct, ascending. */
  positions: number[];
  /** Frames are resized to size × size, bicubic, as Emu2 resizes images (no crop). */
  size: number;
  /** An empty folder the frames are written to. */
  outputFolder: string;
  signal?: AbortSignal;
}

export interface ExtractedFrames {
  /** One JPEG per position, in the order of `positions`. */
  files: string[];
  method: 'packets' | 'seek' | 'linear';
  /** Frames the decoder decoded, where known (packets path). */
  framesDecoded?: number;
}

/** A damaged or enormous file must not hang a run: give up on one video after this long. */
const EXTRACTION_TIMEOUT_MS = 300_000;
/** Packets read past a target so a decoder that reorders (B-frames) has released it before the jump. */
const REORDER_MARGIN_FRAMES = 4;

/** The packets path where it applies, else ffmpeg's demuxer (seeking when that pays, else one linear pass). */
export async function extractFrames(extraction: FrameExtraction, probe: VideoProbe): Promise<ExtractedFrames> {
  return (await extractByFeedingPackets(extraction, probe)) ?? extractFramesWithDemuxer(extraction, probe);
}

/** ffmpeg's own demuxer does the seeking (any container): the path for everything but H.264 MP4. */
export async function extractFramesWithDemuxer(extraction: FrameExtraction, probe: VideoProbe): Promise<ExtractedFrames> {
  const segments = planSeekSegments(probe, extraction.positions);
  if (segments) {
    const files = await extractBySeeking(extraction, probe, segments);
    if (files) return { files, method: 'seek' };
  }
  return { files: await extractLinearly(extraction), method: 'linear' };
}

/** Decodes every frame from the start up to the last position (the benchmark's "full decoding"). */
export async function extractFramesLinearly(extraction: FrameExtraction): Promise<ExtractedFrames> {
  return { files: await extractLinearly(extraction), method: 'linear' };
}

async function extractLinearly(extraction: FrameExtraction): Promise<string[]> {
  const picks = extraction.positions.map((position) => `eq(n\\,${position})`).join('+');
  await runFfmpeg(extraction, ['-i', fileArgument(extraction.file)], picks);
  return collectOutputs(extraction);
}

/** Undefined when the seek did not yield exactly the frames asked for (the caller decodes linearly). */
async function extractBySeeking(extraction: FrameExtraction, probe: VideoProbe, segments: SeekSegment[]): Promise<string[] | undefined> {
  const ticks = probe.frameTicks!;
  const span = ticksToSeconds(ticks[ticks.length - 1]! - ticks[0]!, probe.timeBase);
  // Segment j's timestamps start at j·spacing: far enough apart that no frame of one segment (even
  // one decoded before its keyframe) can be taken for a target of another.
  const spacing = Math.ceil(span) + 10;
  const lines = ['ffconcat version 1.0'];
  const windows: string[] = [];
  segments.forEach((segment, index) => {
    const keyframeTicks = ticks[segment.keyframe]!;
    const lastTarget = segment.targets[segment.targets.length - 1]!;
    const stop = lastTarget + REORDER_MARGIN_FRAMES;
    lines.push(`file ${quoteConcatPath(fileArgument(extraction.file))}`);
    // Rounded up to the microsecond the directive can express, so the seek lands on this keyframe, not the one before.
    lines.push(`inpoint ${microsecondsRoundedUp(keyframeTicks, probe.timeBase)}`);
    if (stop < ticks.length) lines.push(`outpoint ${microsecondsRoundedUp(ticks[stop]!, probe.timeBase)}`);
    lines.push(`duration ${spacing}`);
    for (const target of segment.targets) {
      const expected = index * spacing + ticksToSeconds(ticks[target]! - keyframeTicks, probe.timeBase);
      const tolerance = 0.45 * ticksToSeconds(nearestGap(ticks, target), probe.timeBase);
      windows.push(`between(t\\,${(expected - tolerance).toFixed(6)}\\,${(expected + tolerance).toFixed(6)})`);
    }
  });
  const list = path.join(extraction.outputFolder, 'segments.ffconcat');
  await writeFile(list, `${lines.join('\n')}\n`);
  // One decoder thread: frame threads drain at every segment boundary, which costs more than they add here.
  await runFfmpeg(extraction, [...(segments.length > 1 ? ['-threads', '1'] : []), '-protocol_whitelist', 'file', '-f', 'concat', '-safe', '0', '-i', list, '-copyts'], windows.join('+'));
  const files = await collectOutputs(extraction);
  return files.length === extraction.positions.length ? files : undefined;
}

/**
 * H.264 MP4 only: the planned packets go to ffmpeg's stdin and frames are picked by output index.
 * Undefined when the file isn't one this path handles or the decoder didn't give exactly the frames
 * asked for (the caller then uses ffmpeg's own demuxer, which also words any error about the file).
 */
async function extractByFeedingPackets(extraction: FrameExtraction, probe: VideoProbe): Promise<ExtractedFrames | undefined> {
  const samples = probe.mp4Samples;
  if (!samples || !isH264Track(samples)) return undefined;
  const handle = await open(extraction.file, 'r');
  try {
    const plan = await planH264Stretches(handle, samples, extraction.positions).catch(() => undefined);
    if (!plan) return undefined;
    const picks = plan.outputIndices.map((index) => `eq(n\\,${index})`).join('+');
    const input = [
      // Short stretches decode fastest on one thread (frame threads must drain at every IDR); the
      // decode queue runs several videos at once to fill the cores.
      ...(plan.stretches.length > 1 ? ['-threads', '1'] : []),
      // Without reorder limits in the SPS, assume the most reordering rather than guess too little.
      '-strict', 'strict',
      '-f', 'h264', '-i', 'pipe:0',
    ];
    try {
      await runFfmpeg(extraction, input, picks, h264AnnexB(handle, samples, plan));
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      await clearOutputs(extraction);
      return undefined;
    }
    const files = await collectOutputs(extraction);
    if (files.length === extraction.positions.length) return { files, method: 'packets', framesDecoded: plan.framesDecoded };
    await clearOutputs(extraction);
    return undefined;
  } finally {
    await handle.close();
  }
}

async function clearOutputs(extraction: FrameExtraction): Promise<void> {
  for (const name of await readdir(extraction.outputFolder)) if (/^frame-\d{4}\.jpg$/.test(name)) await rm(path.join(extraction.outputFolder, name), { force: true });
}

async function runFfmpeg(extraction: FrameExtraction, input: string[], picks: string, stdin?: AsyncIterable<Buffer>): Promise<void> {
  const filters = `select='${picks}',scale=${extraction.size}:${extraction.size}:flags=bicubic`;
  await runMediaTool(
    'ffmpeg',
    [
      '-nostdin', '-hide_banner', '-v', 'error',
      ...input,
      '-map', '0:v:0',
      '-vf', filters,
      // Passthrough: never duplicate or drop frames to meet a frame rate; stop once every pick is out.
      '-vsync', 'passthrough',
      '-frames:v', String(extraction.positions.length),
      '-q:v', '2',
      '-f', 'image2', '-start_number', '0',
      path.join(extraction.outputFolder, 'frame-%04d.jpg'),
    ],
    { signal: extraction.signal, timeoutMs: EXTRACTION_TIMEOUT_MS, input: stdin },
  );
}

async function collectOutputs(extraction: FrameExtraction): Promise<string[]> {
  const names = (await readdir(extraction.outputFolder)).filter((name) => /^frame-\d{4}\.jpg$/.test(name)).sort();
  if (names.length > extraction.positions.length) throw new VideoDecodeError(`ffmpeg wrote ${names.length} frames where ${extraction.positions.length} were asked for`);
  return names.map((name) => path.join(extraction.outputFolder, name));
}

/** The smaller of the gaps to the neighbouring frames, in ticks (a frame's own slot on the time line). */
function nearestGap(ticks: readonly number[], position: number): number {
  const gaps = [position > 0 ? ticks[position]! - ticks[position - 1]! : Infinity, position + 1 < ticks.length ? ticks[position + 1]! - ticks[position]! : Infinity];
  const gap = Math.min(...gaps);
  return Number.isFinite(gap) ? gap : 1;
}

/** Ticks as seconds with six decimals, rounded up (ffconcat directives are microsecond-precise). */
function microsecondsRoundedUp(ticks: number, timeBase: VideoProbe['timeBase']): string {
  const numerator = BigInt(ticks) * BigInt(timeBase.numerator) * 1_000_000n;
  const denominator = BigInt(timeBase.denominator);
  let whole = numerator / denominator;
  // BigInt division truncates toward zero, which is already up for negative values.
  if (whole * denominator < numerator) whole += 1n;
  const negative = whole < 0n;
  const magnitude = negative ? -whole : whole;
  const text = `${magnitude / 1_000_000n}.${String(magnitude % 1_000_000n).padStart(6, '0')}`;
  return negative ? `-${text}` : text;
}

/** ffconcat quoting: inside single quotes nothing is special except the quote itself. */
function quoteConcatPath(file: string): string {
  return `'${file.replaceAll("'", "'\\''")}'`;
}
