// Frame sampling throughput: 16 uniformly sampled frames (Emu2-Chat's protocol) per clip from
// generated 640×360 H.264 clips. The production path (H.264 packets fed to one decoder, see
// h264-stream.ts) against two ways of decoding every frame — decoding them all but converting only
// the 16 kept (lmms-eval's PyAV loop), and converting every frame to an image (frame-folder
// extraction) — and against ffmpeg's own demuxer seeking, with 1 and 2 videos decoded in parallel;
// plus the frame cache's cold and warm passes. Clips are generated into a temporary folder at run
// time. Run alone with `node --import tsx bench/video.ts`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DecodeQueue } from '../runners/media/decode-queue.js';
import { extractFrames, extractFramesLinearly, extractFramesWithDemuxer } from '../runners/media/extract-frames.js';
import { fileArgument } from '../runners/media/ffprobe.js';
import { probeVideo } from '../runners/media/probe-video.js';
import { FrameCache } from '../runners/media/frame-cache.js';
import { sampleFrameIndices } from '../runners/media/frame-samplers.js';
import { runMediaTool } from '../core/media-tools.js';
import { framesDecoded, planSeekSegments } from '../runners/media/seek-plan.js';
import { createVideoFrameSampler } from '../runners/media/video-frame-sampler.js';
import type { BenchResult } from './types.js';

const FRAMES = 16;
const FRAME_SIZE = 448;
const FRAMES_PER_SECOND = 30;
const TIMED_RUNS = 3;

interface ClipSet {
  name: string;
  seconds: number;
  clips: number;
  keyframeInterval: number;
}

const CLIP_SETS: ClipSet[] = [
  { name: '30 s, x264 defaults (keyframe every 250 frames)', seconds: 30, clips: 4, keyframeInterval: 250 },
  { name: '30 s, keyframe every 1 s', seconds: 30, clips: 4, keyframeInterval: 30 },
  // ActivityNet-length videos (about 2–3 minutes), where seeking skips most of the file.
  { name: '180 s, keyframe every 2 s', seconds: 180, clips: 2, keyframeInterval: 60 },
];

async function generateClip(file: string, seconds: number, keyframeInterval: number, hue: number): Promise<void> {
  await runMediaTool('ffmpeg', [
    '-nostdin', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=${FRAMES_PER_SECOND}:duration=${seconds}`,
    '-vf', `hue=h=${hue}`,
    '-c:v', 'libx264', '-preset', 'medium', '-pix_fmt', 'yuv420p', '-g', String(keyframeInterval), '-an',
    file,
  ]);
}

const EXTRACTIONS = ['decode every frame, keep 16', 'decode every frame to an image', 'seek with ffmpeg\'s demuxer', 'production (packets)'] as const;
type Extraction = (typeof EXTRACTIONS)[number];
/** The baseline every ratio is taken against, and the second one reported beside it. */
const BASELINE: Extraction = 'decode every frame, keep 16';
const IMAGE_BASELINE: Extraction = 'decode every frame to an image';

/** Every frame scaled and written as a JPEG, then the 16 sampled ones kept: what frame-folder pipelines do. */
async function extractEveryFrame(file: string, positions: number[], outputFolder: string): Promise<number> {
  await runMediaTool('ffmpeg', ['-nostdin', '-v', 'error', '-i', fileArgument(file), '-vf', `scale=${FRAME_SIZE}:${FRAME_SIZE}:flags=bicubic`, '-vsync', 'passthrough', '-q:v', '2', '-f', 'image2', '-start_number', '0', path.join(outputFolder, '%05d.jpg')]);
  const written = (await readdir(outputFolder)).length;
  if (written <= positions[positions.length - 1]!) throw new Error(`${file}: ${written} frames written`);
  return written;
}

/** One clip, cold: probe, choose positions, extract, as prepareVideoParts does on a cache miss. Returns frames decoded. */
async function extractClip(file: string, extraction: Extraction, scratch: string): Promise<number> {
  const probe = await probeVideo(file);
  const positions = [...new Set(sampleFrameIndices('uniform', probe.frameCount, FRAMES))];
  const outputFolder = await mkdtemp(path.join(scratch, 'frames-'));
  try {
    if (extraction === IMAGE_BASELINE) return await extractEveryFrame(file, positions, outputFolder);
    const request = { file, positions, size: FRAME_SIZE, outputFolder };
    const result = extraction === 'production (packets)' ? await extractFrames(request, probe) : extraction === 'seek with ffmpeg\'s demuxer' ? await extractFramesWithDemuxer(request, probe) : await extractFramesLinearly(request);
    if (result.files.length !== positions.length) throw new Error(`${file}: ${result.files.length} of ${positions.length} frames`);
    if (extraction === 'production (packets)' && result.method !== 'packets') throw new Error(`${file}: production path fell back to ${result.method}`);
    if (result.framesDecoded !== undefined) return result.framesDecoded;
    const plan = result.method === 'seek' ? planSeekSegments(probe, positions) : undefined;
    return plan ? framesDecoded(plan) : positions[positions.length - 1]! + 1;
  } finally {
    rmSync(outputFolder, { recursive: true, force: true });
  }
}

async function timeClips(files: string[], decoders: number, run: (file: string) => Promise<unknown>): Promise<number> {
  let best = Infinity;
  for (let attempt = 0; attempt < TIMED_RUNS; attempt++) {
    const queue = new DecodeQueue(decoders);
    const started = performance.now();
    await Promise.all(files.map((file) => queue.run(file, () => run(file))));
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

function ffmpegVersion(): string {
  try {
    return execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }).split('\n')[0]!.replace(/ Copyright.*/, '');
  } catch {
    return 'ffmpeg (version unknown)';
  }
}

export async function benchVideo(): Promise<BenchResult> {
  const root = mkdtempSync(path.join(tmpdir(), 'emu-eval-bench-video-'));
  const rows: BenchResult['rows'] = [];
  const notes: string[] = [];
  try {
    for (const set of CLIP_SETS) {
      const files = Array.from({ length: set.clips }, (_, index) => path.join(root, `${set.seconds}s-g${set.keyframeInterval}-${index}.mp4`));
      await Promise.all(files.map((file, index) => generateClip(file, set.seconds, set.keyframeInterval, index * 40)));
      const decoded = new Map<Extraction, number>();
      for (const extraction of EXTRACTIONS) decoded.set(extraction, await extractClip(files[0]!, extraction, root));
      for (const decoders of [1, 2]) {
        const times = new Map<Extraction, number>();
        for (const extraction of EXTRACTIONS) times.set(extraction, await timeClips(files, decoders, (file) => extractClip(file, extraction, root)));
        for (const extraction of EXTRACTIONS) {
          const milliseconds = times.get(extraction)!;
          rows.push({
            clips: `${set.clips} × ${set.name}`,
            extraction,
            decoders,
            'frames decoded / clip': decoded.get(extraction)!,
            'ms / clip': Math.round(milliseconds / set.clips),
            'frames/s': Math.round((set.clips * FRAMES * 1000) / milliseconds),
            'vs decode every frame': `${(times.get(BASELINE)! / milliseconds).toFixed(2)}×`,
            'vs every frame to an image': `${(times.get(IMAGE_BASELINE)! / milliseconds).toFixed(2)}×`,
          });
        }
      }
      if (set === CLIP_SETS[1]) {
        // Through the whole cached path (hash, probe, extract, store), then again from the cache.
        const sampler = createVideoFrameSampler({ cache: new FrameCache(path.join(root, 'cache')), queue: new DecodeQueue(2) });
        const settings = { frames: FRAMES, sampler: 'uniform' as const, imageSize: FRAME_SIZE };
        for (const pass of ['cold cache', 'warm cache'] as const) {
          const started = performance.now();
          await Promise.all(files.map((file) => sampler.sample({ kind: 'video', path: file, root }, settings)));
          const milliseconds = performance.now() - started;
          rows.push({ clips: `${set.clips} × ${set.name}`, extraction: `prepareVideoParts, ${pass}`, decoders: 2, 'frames decoded / clip': pass === 'warm cache' ? 0 : decoded.get('production (packets)')!, 'ms / clip': Math.round(milliseconds / set.clips), 'frames/s': Math.round((set.clips * FRAMES * 1000) / milliseconds), 'vs decode every frame': '', 'vs every frame to an image': '' });
        }
      }
    }
    notes.push(
      `${FRAMES} uniform frames per clip, resized to ${FRAME_SIZE}×${FRAME_SIZE} JPEG; 640×360 ${FRAMES_PER_SECOND} fps H.264 (x264 medium, B-frames) from ffmpeg's testsrc2; best of ${TIMED_RUNS}; every figure includes reading the frame index and one ffmpeg process per clip.`,
      `"production (packets)" is what a run does: the MP4 sample table is read in-process and only IDR→target stretches, without non-reference frames, are piped to one decoder. "seek with ffmpeg's demuxer" is the path for other containers (concat demuxer reopening the file at each keyframe). "decode every frame, keep 16" decodes up to the last sampled frame and converts only the 16 (lmms-eval's PyAV loop); "decode every frame to an image" converts all of them (frame-folder extraction).`,
      `${ffmpegVersion()}; ${availableParallelism()} cores; load average ${loadavg()[0]!.toFixed(1)} at the end (the machine may be shared).`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return { name: 'video frame sampling', rows, notes };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void benchVideo().then((result) => console.log(JSON.stringify(result, null, 2)));
}
