import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { FrameCache } from '../../../runners/media/frame-cache.js';
import { prepareVideoParts } from '../../../runners/media/prepare-video-parts.js';
import { createVideoFrameSampler } from '../../../runners/media/video-frame-sampler.js';
import type { Request } from '../../../core/contracts/runner.js';
import { writeJpeg } from '../../../tasks/samples/generator/output.js';
import { frameWithCode } from '../../../tasks/samples/video-generator/frame-code.js';
import type { MediaFile, MediaRef } from '../../../core/contracts/task.js';
import { frameIndexShownBy, temporaryFolder, writeCounterVideo } from './counter-videos.js';
import { asFile } from '../../helpers/media-refs.js';
import { imageFromBytes } from '../../../core/media-ref.js';

function videoRequest(ref: MediaRef): Request {
  return { sampleId: 'q1', parts: [{ type: 'video', frames: [ref] }, { type: 'text', text: 'what happens?' }], maxNewTokens: 8, numBeams: 1, stop: [] };
}

function framesOf(request: Request): MediaFile[] {
  const part = request.parts[0]!;
  assert.equal(part.type, 'video');
  return part.type === 'video' ? part.frames.map(asFile) : [];
}

/** Runs `action` with ffmpeg and ffprobe unreachable: anything that tries to decode fails loudly. */
async function withoutMediaTools<T>(action: () => Promise<T>): Promise<T> {
  const saved = { ffmpeg: process.env.EMU_EVAL_FFMPEG, ffprobe: process.env.EMU_EVAL_FFPROBE };
  process.env.EMU_EVAL_FFMPEG = '/nonexistent/ffmpeg';
  process.env.EMU_EVAL_FFPROBE = '/nonexistent/ffprobe';
  try {
    return await action();
  } finally {
    for (const [tool, value] of Object.entries(saved)) {
      const name = `EMU_EVAL_${tool.toUpperCase()}`;
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe('prepareVideoParts', () => {
  const dataRoot = temporaryFolder('emu-eval-video-data-');
  const video = path.join(dataRoot, 'videos', 'video7010.mp4');
  const settings = { frames: 6, sampler: 'uniform' as const, imageSize: 64 };

  before(async () => {
    mkdirSync(path.join(dataRoot, 'videos'), { recursive: true });
    await writeCounterVideo(video, { frames: 50, codec: 'h264', keyframeInterval: 10 });
  });

  it('replaces a video with its sampled frames, cached JPEGs inside the cache root', async () => {
    const sampler = createVideoFrameSampler({ cache: new FrameCache(temporaryFolder('emu-eval-frames-')) });
    const prepared = await prepareVideoParts(videoRequest({ kind: 'video', path: video, root: dataRoot }), settings, sampler);
    const frames = framesOf(prepared);
    assert.equal(frames.length, 6);
    for (const frame of frames) {
      assert.equal(frame.kind, 'image');
      assert.equal(frame.root, sampler.cache.root);
      assert.ok(frame.path.startsWith(sampler.cache.root + path.sep));
    }
    // uniform over 50 frames: round(linspace(0, 49, 6)) = 0, 10, 20, 29, 39, 49
    assert.deepEqual(await Promise.all(frames.map((frame) => frameIndexShownBy(frame.path))), [0, 10, 20, 29, 39, 49]);
    assert.deepEqual(prepared.parts[1], { type: 'text', text: 'what happens?' });
  });

  it('a second run (new process state, same cache) decodes nothing: ffmpeg is not even reachable', async () => {
    const cacheRoot = temporaryFolder('emu-eval-frames-');
    const ref: MediaRef = { kind: 'video', path: video, root: dataRoot };
    const first = await prepareVideoParts(videoRequest(ref), settings, createVideoFrameSampler({ cache: new FrameCache(cacheRoot) }));
    const second = await withoutMediaTools(() => prepareVideoParts(videoRequest(ref), settings, createVideoFrameSampler({ cache: new FrameCache(cacheRoot) })));
    assert.deepEqual(framesOf(second), framesOf(first));
    // Another protocol asking for a subset of the same frames (here 2 of them) is served from the cache too.
    const fewer = await withoutMediaTools(() => prepareVideoParts(videoRequest(ref), { ...settings, frames: 2 }, createVideoFrameSampler({ cache: new FrameCache(cacheRoot) })));
    assert.deepEqual(framesOf(fewer).map((frame) => path.basename(frame.path)), ['000000.jpg', '000049.jpg']);
    // The cache is keyed by content: a copy of the video elsewhere hits the same entries.
    const copy = path.join(dataRoot, 'copy.mp4');
    copyFileSync(video, copy);
    const copied = await withoutMediaTools(() => prepareVideoParts(videoRequest({ kind: 'video', path: copy, root: dataRoot }), settings, createVideoFrameSampler({ cache: new FrameCache(cacheRoot) })));
    assert.deepEqual(framesOf(copied), framesOf(first));
    assert.deepEqual(readdirSync(path.join(cacheRoot, 'staging')), [], 'no staging folder left behind');
  });

  it('asks for more frames than the video has: repeats, decoding each frame once', async () => {
    const sampler = createVideoFrameSampler({ cache: new FrameCache(temporaryFolder('emu-eval-frames-')) });
    const prepared = await prepareVideoParts(videoRequest({ kind: 'video', path: video, root: dataRoot }), { ...settings, frames: 64 }, sampler);
    const frames = framesOf(prepared);
    assert.equal(frames.length, 64);
    assert.equal(new Set(frames.map((frame) => frame.path)).size, 50);
  });

  it('a corrupt video fails with the ffprobe message (the engine records an error sample)', async () => {
    const corrupt = path.join(dataRoot, 'videos', 'corrupt.mp4');
    writeFileSync(corrupt, Buffer.from('this is not a video, just text pretending to be one'.repeat(20)));
    const sampler = createVideoFrameSampler({ cache: new FrameCache(temporaryFolder('emu-eval-frames-')) });
    await assert.rejects(prepareVideoParts(videoRequest({ kind: 'video', path: corrupt, root: dataRoot }), settings, sampler), (error: Error) => {
      assert.match(error.message, /cannot sample frames from video .*corrupt\.mp4: ffprobe exited with status 1: .*Invalid data found when processing input/);
      return true;
    });
  });

  it('refuses a video that is a link leading outside the data root, and a missing one', async () => {
    const outside = path.join(temporaryFolder('emu-eval-outside-'), 'secret.mp4');
    copyFileSync(video, outside);
    const link = path.join(dataRoot, 'videos', 'link.mp4');
    symlinkSync(outside, link);
    const sampler = createVideoFrameSampler({ cache: new FrameCache(temporaryFolder('emu-eval-frames-')) });
    await assert.rejects(prepareVideoParts(videoRequest({ kind: 'video', path: link, root: dataRoot }), settings, sampler), /outside the data root/);
    await assert.rejects(prepareVideoParts(videoRequest({ kind: 'video', path: path.join(dataRoot, 'videos', 'absent.mp4'), root: dataRoot }), settings, sampler), /media file not found/);
  });

  it('samples a folder of pre-extracted frames in natural name order', async () => {
    const folder = path.join(dataRoot, 'frames', 'video7011');
    // frame_1 … frame_12: a plain sort would put frame_10 before frame_2.
    for (let index = 0; index < 12; index++) await writeJpeg(path.join(folder, `frame_${index + 1}.jpg`), frameWithCode(index, 64), { quality: 95 });
    const sampler = createVideoFrameSampler({ cache: new FrameCache(temporaryFolder('emu-eval-frames-')) });
    const prepared = await prepareVideoParts(videoRequest({ kind: 'frames', path: folder, root: dataRoot }), { frames: 4, sampler: 'uniform', imageSize: 64 }, sampler);
    // round(linspace(0, 11, 4)) = 0, 4, 7, 11
    assert.deepEqual(await Promise.all(framesOf(prepared).map((frame) => frameIndexShownBy(frame.path))), [0, 4, 7, 11]);
  });

  it('frames carried as image bytes are already frames: passed through as they are, nothing decoded or cached', async () => {
    const cacheRoot = temporaryFolder('emu-eval-frames-');
    const sampler = createVideoFrameSampler({ cache: new FrameCache(cacheRoot) });
    const frames = [0, 1].map((index) => imageFromBytes(Buffer.from(`frame ${index}`), { file: '/data/clips.parquet', field: `row 0, column frames[${index}]` }));
    const request: Request = { sampleId: 'q', parts: [{ type: 'video', frames }], maxNewTokens: 1, numBeams: 1, stop: [] };
    const prepared = await withoutMediaTools(() => prepareVideoParts(request, settings, sampler));
    assert.deepEqual(prepared.parts, [{ type: 'video', frames }]);
    assert.deepEqual(readdirSync(cacheRoot), []);
  });

  it('leaves requests without video untouched', async () => {
    const request: Request = { sampleId: 'q', parts: [{ type: 'text', text: 'hi' }], maxNewTokens: 1, numBeams: 1, stop: [] };
    assert.equal(await prepareVideoParts(request, settings), request);
  });
});
