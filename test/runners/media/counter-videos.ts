import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import sharp from 'sharp';
import { encodeVideo, type VideoCodec } from '../../../tasks/samples/video-generator/encode-video.js';
import { frameWithCode, readFrameCode } from '../../../tasks/samples/video-generator/frame-code.js';

// Test videos whose every frame shows its own index (frame-code.ts), so a test can tell exactly
// which frame the decoder handed back.

const created: string[] = [];
after(() => {
  for (const folder of created) rmSync(folder, { recursive: true, force: true });
});

export function temporaryFolder(prefix = 'emu-eval-media-'): string {
  const folder = mkdtempSync(path.join(tmpdir(), prefix));
  created.push(folder);
  return folder;
}

export const COUNTER_FRAMES_PER_SECOND = 25;

export async function writeCounterVideo(file: string, options: { frames: number; codec: VideoCodec; keyframeInterval: number; size?: number; x264Params?: string }): Promise<string> {
  const frames = Array.from({ length: options.frames }, (_, index) => frameWithCode(index, options.size ?? 64));
  await encodeVideo(file, frames, { framesPerSecond: COUNTER_FRAMES_PER_SECOND, codec: options.codec, keyframeInterval: options.keyframeInterval, x264Params: options.x264Params });
  return file;
}

/** The frame index shown by a decoded (and resized) JPEG. */
export async function frameIndexShownBy(file: string): Promise<number> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return readFrameCode(data, info.width, info.channels);
}
