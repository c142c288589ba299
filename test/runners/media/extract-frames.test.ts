import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { VideoCodec } from '../../../tasks/samples/video-generator/encode-video.js';
import { extractFrames, extractFramesLinearly } from '../../../runners/media/extract-frames.js';
import { probeWithFfprobe, ticksToSeconds } from '../../../runners/media/ffprobe.js';
import { readMp4Index } from '../../../runners/media/mp4-index.js';
import { probeVideo } from '../../../runners/media/probe-video.js';
import { sampleFrameIndices } from '../../../runners/media/frame-samplers.js';
import { COUNTER_FRAMES_PER_SECOND, frameIndexShownBy, temporaryFolder, writeCounterVideo } from './counter-videos.js';

// Real ffmpeg on real files: every container the adapters accept, B-frames (H.264), AVI's MPEG-4
// Part 2 and VP9, each frame carrying its own number.

const FRAME_COUNT = 400;
const containers: Array<{ name: string; codec: VideoCodec }> = [
  { name: 'counter.mp4', codec: 'h264' },
  { name: 'counter.avi', codec: 'mpeg4' },
  { name: 'counter.webm', codec: 'vp9' },
  { name: 'counter.mkv', codec: 'h264' },
];

describe('frame extraction with ffmpeg', () => {
  const folder = temporaryFolder();
  let outputs = 0;
  const outputFolder = () => {
    const created = path.join(folder, `out-${outputs++}`);
    mkdirSync(created);
    return created;
  };

  before(async () => {
    await Promise.all(containers.map(({ name, codec }) => writeCounterVideo(path.join(folder, name), { frames: FRAME_COUNT, codec, keyframeInterval: 10 })));
  });

  for (const { name } of containers) {
    it(`${name}: seeks to sparse frames and returns exactly the frames asked for`, async () => {
      const file = path.join(folder, name);
      const probe = await probeVideo(file);
      assert.equal(probe.frameCount, FRAME_COUNT);
      // Frame i is shown at i / fps: the timestamps the seek is computed from.
      for (const index of [0, 1, 137, FRAME_COUNT - 1]) {
        assert.ok(Math.abs(ticksToSeconds(probe.frameTicks![index]! - probe.frameTicks![0]!, probe.timeBase) - index / COUNTER_FRAMES_PER_SECOND) < 1e-6, `${name} frame ${index} time`);
      }
      const positions = [...new Set(sampleFrameIndices('interior', probe.frameCount, 8))];
      const result = await extractFrames({ file, positions, size: 64, outputFolder: outputFolder() }, probe);
      // H.264 in MP4 is fed packet by packet (h264-stream.ts); other containers seek through ffmpeg's demuxer.
      assert.equal(result.method, name.endsWith('.mp4') ? 'packets' : 'seek');
      assert.deepEqual(await Promise.all(result.files.map(frameIndexShownBy)), positions);
    });
  }

  it('reads the MP4 frame index itself, exactly as ffprobe reports it, and leaves other containers to ffprobe', async () => {
    const mp4 = path.join(folder, 'counter.mp4');
    const [own, reference] = await Promise.all([readMp4Index(mp4), probeWithFfprobe(mp4)]);
    assert.ok(own, 'an ffmpeg-written MP4 with B-frames is read without ffprobe');
    assert.equal(own.frameCount, reference.frameCount);
    assert.deepEqual(own.frameTicks, reference.frameTicks);
    assert.deepEqual(own.keyframes, reference.keyframes);
    assert.deepEqual(own.timeBase, reference.timeBase);
    for (const name of ['counter.avi', 'counter.webm', 'counter.mkv']) assert.equal(await readMp4Index(path.join(folder, name)), undefined, name);
  });

  it('dense targets decode linearly (one pass) and still land on the right frames', async () => {
    const file = path.join(folder, 'counter.mkv');
    const probe = await probeVideo(file);
    const positions = [...new Set(sampleFrameIndices('uniform', probe.frameCount, 64))];
    const result = await extractFrames({ file, positions, size: 64, outputFolder: outputFolder() }, probe);
    assert.equal(result.method, 'linear');
    assert.deepEqual(await Promise.all(result.files.map(frameIndexShownBy)), positions);
  });

  it('the full-decoding path (the benchmark baseline) agrees frame for frame', async () => {
    const file = path.join(folder, 'counter.webm');
    const positions = [0, 3, 199, 399];
    const result = await extractFramesLinearly({ file, positions, size: 48, outputFolder: outputFolder() });
    assert.deepEqual(await Promise.all(result.files.map(frameIndexShownBy)), positions);
  });
});
