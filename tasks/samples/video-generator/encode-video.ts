import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { runMediaTool } from '../../../core/media-tools.js';
import type { Raster } from '../generator/raster.js';

// Encodes drawn frames into a real video file with the system ffmpeg: raw RGB frames go in on stdin,
// a container comes out. Single-threaded, bit-exact muxing and no metadata, so the same frames give
// the same bytes on every run with the same ffmpeg build.

export type VideoCodec = 'h264' | 'mpeg4' | 'vp9';

export interface EncodeOptions {
  framesPerSecond: number;
  codec: VideoCodec;
  /** Frames between keyframes (a GOP): small values make seeking cheap, large ones make it pointless. */
  keyframeInterval?: number;
  /** Extra x264 settings (`key=value:key=value`) for H.264: GOP structures the decoder path must handle. */
  x264Params?: string;
}

const codecArguments: Record<VideoCodec, (keyframeInterval: number, x264Params?: string) => string[]> = {
  // B-frames on (x264's default), so extraction must cope with reordering.
  h264: (keyframeInterval, x264Params) => ['-c:v', 'libx264', '-preset', 'medium', '-crf', '26', '-pix_fmt', 'yuv420p', '-g', String(keyframeInterval), '-x264-params', x264Params ? `threads=1:${x264Params}` : 'threads=1'],
  // MPEG-4 Part 2 in AVI with an XviD tag, as the MSVD clips are distributed.
  mpeg4: (keyframeInterval) => ['-c:v', 'mpeg4', '-vtag', 'XVID', '-q:v', '6', '-g', String(keyframeInterval)],
  vp9: (keyframeInterval) => ['-c:v', 'libvpx-vp9', '-crf', '45', '-b:v', '0', '-deadline', 'good', '-cpu-used', '4', '-row-mt', '0', '-g', String(keyframeInterval)],
};

export async function encodeVideo(file: string, frames: readonly Raster[], options: EncodeOptions): Promise<void> {
  const first = frames[0];
  if (!first) throw new Error(`no frames to encode into ${file}`);
  mkdirSync(path.dirname(file), { recursive: true });
  const input = Buffer.concat(frames.map((frame) => frame.pixels));
  await runMediaTool(
    'ffmpeg',
    [
      '-nostdin', '-hide_banner', '-v', 'error', '-y',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${first.width}x${first.height}`, '-r', String(options.framesPerSecond), '-i', 'pipe:0',
      ...codecArguments[options.codec](options.keyframeInterval ?? options.framesPerSecond * 2, options.x264Params),
      '-threads', '1',
      '-an', '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:v', '+bitexact',
      file,
    ],
    { input, timeoutMs: 120_000 },
  );
}
